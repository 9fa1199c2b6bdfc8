package dev.pretext.bench;

import ai.djl.Device;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pretext.api.PluginKind;
import dev.pretext.api.RunContext;
import dev.pretext.api.data.Dataset;
import dev.pretext.api.data.Utterance;
import dev.pretext.core.plugins.Composer;
import dev.pretext.core.recipe.ComponentRef;
import dev.pretext.core.recipe.LocatedYaml;
import dev.pretext.launcher.Host;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Synthesis speed of each speech engine of the tts dataset on one thread, in x real time: a fresh corpus of
 * {@code --minutes} (default 0.5) per engine, keywords and sentences by 4 speakers, timed from the request to the
 * last file written (the engines' unit tests check what they say, this measures how fast). Arguments:
 * {@code [--minutes M] [--engines freetts,espeak,flite,festival]}; an engine that cannot run here is a row saying
 * why.
 */
final class TtsBench {
    private TtsBench() {
    }

    static void main(Path dist, String[] args) throws Exception {
        double minutes = 0.5;
        List<String> engines = List.of("freetts", "espeak", "flite", "festival");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--minutes" -> minutes = Double.parseDouble(args[++i]);
                case "--engines" -> engines = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (bench/run tts [--minutes M] [--engines freetts,espeak,flite,festival])");
            }
        }
        Path work = Files.createTempDirectory("pretext-bench-tts-");
        List<String[]> rows = new ArrayList<>();
        try (Host host = Host.start(dist.resolve("system"), dist.resolve("plugins"))) {
            for (String engine : engines) {
                rows.add(measure(host, work, engine, minutes));
            }
        } finally {
            Bench.deleteTree(work);
        }
        System.out.println();
        Bench.printTable(List.of("engine", "plugin", "x real time on one thread", "notes"), rows);
    }

    private static String[] measure(Host host, Path work, String engine, double minutes) throws Exception {
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        config.put("dir", work.resolve(engine).toString());
        config.put("minutes", minutes);
        config.put("speakers", 4);
        config.put("seed", 1);
        config.put("threads", 1);
        config.putArray("engines").add(engine);
        Composer composer = new Composer(host.registry(), LocatedYaml.read(Path.of("bench tts"), "{}"),
                new RunContext(1, work, work.resolve("cache"), Device.cpu()));
        var composed = composer.create(new ComponentRef(PluginKind.DATASET, "tts", "tts", null, config),
                Dataset.class, null);
        String plugin = composed.plugin().type() + " " + composed.plugin().version();
        long start = System.nanoTime();
        List<Utterance> utterances;
        try {
            utterances = composed.instance().utterances();
        } catch (Exception e) {
            return new String[]{engine, plugin, "not measured", String.valueOf(e.getMessage()).lines().findFirst()
                    .orElse(e.toString())};
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double audio = utterances.stream().mapToDouble(Utterance::seconds).sum();
        return new String[]{engine, plugin, String.format(Locale.ROOT, "%.0fx", audio / wall),
                String.format(Locale.ROOT, "%.0f s of audio, %d utterances, 4 speakers, in %.1f s (files written)",
                        audio, utterances.size(), wall)};
    }
}
