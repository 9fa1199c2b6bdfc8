package dev.pretext.launcher;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pretext.api.PluginKind;
import dev.pretext.api.RunContext;
import dev.pretext.api.data.Dataset;
import dev.pretext.api.data.Utterance;
import dev.pretext.core.UserError;
import dev.pretext.core.data.SplitManifests;
import dev.pretext.core.plugins.Composer;
import dev.pretext.core.recipe.ComponentRef;
import dev.pretext.core.recipe.LocatedYaml;
import dev.pretext.core.recipe.RecipeError;
import ai.djl.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;

@Command(name = "corpus", mixinStandardHelpOptions = true,
        description = "Make corpora.",
        subcommands = {CorpusCommand.Synth.class})
final class CorpusCommand implements Runnable {
    @ParentCommand
    Main main;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "synth", mixinStandardHelpOptions = true,
            description = "Synthesise a speech corpus: keywords and sentences spoken by distinct speakers (engines, "
                    + "voices, accents, pitch and rate), with phone alignments in one phone set, and its train, "
                    + "valid and test parts as fairseq manifests. The same options and seed give the same corpus; "
                    + "an existing corpus made with the same settings is reused. A recipe reads it with "
                    + "{type: tts, dir: OUT, ...the same settings} or {type: manifest, ...} on OUT/splits.")
    static final class Synth implements Callable<Integer> {
        @ParentCommand
        CorpusCommand corpus;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "The corpus folder (new, empty, "
                + "or a corpus this command made).")
        Path out;

        @Option(names = "--hours", paramLabel = "H", defaultValue = "1",
                description = "Hours of audio (default: ${DEFAULT-VALUE}).")
        double hours;

        @Option(names = "--engines", paramLabel = "LIST", split = ",", defaultValue = "freetts,espeak,flite,festival",
                description = "Engines that speak (default: ${DEFAULT-VALUE}); freetts runs in the JVM, the others "
                        + "need their Debian packages (the command says which).")
        List<String> engines;

        @Option(names = "--speakers", paramLabel = "N", defaultValue = "60",
                description = "Distinct speakers, shared out evenly among the engines (default: ${DEFAULT-VALUE}).")
        int speakers;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of texts, speakers and "
                + "splits (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--keyword-share", paramLabel = "X", defaultValue = "0.3",
                description = "Share of utterances that are one keyword (default: ${DEFAULT-VALUE}).")
        double keywordShare;

        @Option(names = "--split", paramLabel = "BY", defaultValue = "speaker",
                description = "Split train/valid/test by speaker (held-out speakers) or by utterance "
                        + "(default: ${DEFAULT-VALUE}).")
        String splitBy;

        @Option(names = "--shares", paramLabel = "T,V,E", split = ",", defaultValue = "0.8,0.1,0.1",
                description = "The parts' shares (default: ${DEFAULT-VALUE}).")
        List<Double> shares;

        @Option(names = "--threads", paramLabel = "N",
                description = "Synthesis threads (default: one per core); does not change the corpus.")
        Integer threads;

        @Override
        public Integer call() throws IOException {
            Main main = corpus.main;
            if (!(hours > 0)) {
                throw new UserError("--hours must be positive, got " + hours);
            }
            ObjectNode config = JsonNodeFactory.instance.objectNode();
            config.put("dir", out.toAbsolutePath().normalize().toString());
            config.put("minutes", hours * 60);
            config.put("speakers", speakers);
            config.put("seed", seed);
            config.put("keyword_share", keywordShare);
            ArrayNode names = config.putArray("engines");
            engines.forEach(names::add);
            if (threads != null) {
                config.put("threads", threads);
            }
            var console = main.out();
            try (Host host = main.startHost()) {
                LocatedYaml options = LocatedYaml.read(Path.of("pretext corpus synth"), "{}");
                Path scratch = out.toAbsolutePath().normalize();
                Composer composer = new Composer(host.registry(), options,
                        new RunContext(seed, scratch, main.cacheDir(), Device.cpu()));
                Dataset dataset;
                try {
                    dataset = composer.create(new ComponentRef(PluginKind.DATASET, "options", "tts", null, config),
                            Dataset.class, null).instance();
                } catch (RecipeError e) {
                    // The option names are the tts dataset's keys; the "file" is the command line.
                    throw new UserError(e.getMessage().replaceFirst("^pretext corpus synth(:\\d+)?: options: ",
                            "corpus synth: "));
                }
                console.printf(Locale.ROOT, "synthesising %.2f h with %s, %d speakers, seed %d into %s%n", hours,
                        String.join(",", engines), speakers, seed, out);
                console.flush();
                long t0 = System.nanoTime();
                List<Utterance> utterances;
                try {
                    utterances = dataset.utterances();
                } catch (IllegalArgumentException e) {
                    throw new UserError("corpus synth: " + e.getMessage());
                }
                double wall = (System.nanoTime() - t0) / 1e9;
                double seconds = utterances.stream().mapToDouble(Utterance::seconds).sum();
                summarise(console, utterances, seconds, wall, dataset.summary());
                List<SplitManifests.Part> parts;
                try {
                    parts = SplitManifests.write(scratch.resolve("splits"), scratch, utterances, splitBy, shares, seed);
                } catch (IllegalArgumentException e) {
                    throw new UserError("corpus synth: " + e.getMessage());
                }
                for (SplitManifests.Part p : parts) {
                    console.printf(Locale.ROOT, "  %-5s %5d utterances %7.3f h %4d speakers%s%n", p.name(),
                            p.utterances(), p.seconds() / 3600, p.speakers(),
                            p.utterances() == 0 ? "  (empty: too few speakers for these shares)" : "");
                }
                console.printf("wrote %s: manifest.tsv (id, path, seconds, speaker, kind, text, phone:start:end), "
                        + "wav/, speakers.tsv, splits/{train,valid,test}.{tsv,wrd,ltr,phn} (split by %s)%n",
                        scratch, splitBy);
                console.flush();
                return 0;
            }
        }

        private static void summarise(java.io.PrintWriter console, List<Utterance> utterances, double seconds,
                                      double wall, String summary) {
            TreeSet<String> speakers = new TreeSet<>();
            TreeSet<String> phones = new TreeSet<>();
            int keywords = 0;
            int aligned = 0;
            for (Utterance u : utterances) {
                speakers.add(u.speaker());
                if (u.text() != null && !u.text().contains(" ")) {
                    keywords++;
                }
                if (u.hasPhones()) {
                    aligned++;
                    u.phones().forEach(p -> phones.add(p.phone()));
                }
            }
            console.printf(Locale.ROOT, "%.3f h in %d utterances (%d keywords, %d sentences) in %.1f s: %.0fx real time%n",
                    seconds / 3600, utterances.size(), keywords, utterances.size() - keywords, wall,
                    seconds / Math.max(wall, 1e-9));
            console.printf(Locale.ROOT, "%d speakers%s; %d utterances phone-aligned, %d distinct phones%n",
                    speakers.size(), summary.isEmpty() ? "" : " (" + summary + ")", aligned, phones.size());
        }
    }
}
