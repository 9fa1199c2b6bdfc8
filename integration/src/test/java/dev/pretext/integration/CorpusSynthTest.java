package dev.pretext.integration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pretext corpus synth} on the real bundles with all four engines (CI installs espeak-ng, flite and
 * festival; see .ci/run), and its split manifests read back by the {@code manifest} dataset in a training run.
 */
class CorpusSynthTest {
    private static final Set<String> COMMON = Set.of(
            "aa", "ae", "ah", "ao", "aw", "ay", "b", "ch", "d", "dh", "eh", "er", "ey", "f", "g", "hh", "ih", "iy",
            "jh", "k", "l", "m", "n", "ng", "ow", "oy", "p", "r", "s", "sh", "t", "th", "uh", "uw", "v", "w", "y",
            "z", "zh", "sil");

    @TempDir
    static Path temp;
    static Cli first;

    @BeforeAll
    static void synthesise() {
        first = synth(temp.resolve("a"), "freetts,espeak,flite,festival", null);
    }

    private static Cli synth(Path out, String engines, String threads) {
        List<String> args = new java.util.ArrayList<>(List.of("corpus", "synth", "--engines", engines, "--hours",
                "0.04", "--speakers", "12", "--seed", "3", "--out", out.toString()));
        if (threads != null) {
            args.addAll(List.of("--threads", threads));
        }
        return Cli.run(temp.resolve("cache"), args.toArray(String[]::new));
    }

    @Test
    void everyEngineSpeaksItsShareOfDistinctSpeakersWithPhoneAlignments() throws IOException {
        assertEquals(0, first.exit(), first.out() + first.err());
        assertTrue(first.out().contains("12 speakers (speakers per engine: espeak 3, festival 3, flite 3, freetts 3)"),
                first.out());
        Path dir = temp.resolve("a");
        List<String> lines = Files.readAllLines(dir.resolve("manifest.tsv"));
        assertEquals("id\tpath\tseconds\tspeaker\tkind\ttext\tphones", lines.get(0));
        double seconds = 0;
        Map<String, Integer> perSpeaker = new HashMap<>();
        Set<String> kinds = new HashSet<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            seconds += Double.parseDouble(f[2]);
            perSpeaker.merge(f[3], 1, Integer::sum);
            kinds.add(f[4]);
            assertTrue(Files.size(dir.resolve(f[1])) == 44 + 2 * Math.round(Double.parseDouble(f[2]) * 16000), f[1]);
            assertTrue(f[1].startsWith("wav/" + f[3] + "/"), "one folder per speaker: " + f[1]);
            double previousEnd = 0;
            for (String seg : f[6].split(" ")) {
                String[] p = seg.split(":");
                assertTrue(COMMON.contains(p[0]), "phone " + p[0] + " of " + f[0] + " (" + f[3] + ")");
                assertEquals(previousEnd, Double.parseDouble(p[1]), 1e-5, "contiguous in " + f[0]);
                previousEnd = Double.parseDouble(p[2]);
            }
            assertEquals(Double.parseDouble(f[2]), previousEnd, 1e-4, "phones cover " + f[0]);
        }
        assertTrue(seconds >= 0.04 * 3600, "asked for 0.04 h, got " + seconds + " s");
        assertEquals(12, perSpeaker.size(), perSpeaker.toString());
        assertEquals(Set.of("keyword", "sentence"), kinds);
        List<String> speakers = Files.readAllLines(dir.resolve("speakers.tsv"));
        assertEquals(13, speakers.size());
        Set<String> persons = new HashSet<>();
        for (String s : speakers.subList(1, speakers.size())) {
            String[] f = s.split("\t");
            persons.add(f[1] + ":" + f[3]);
        }
        assertFalse(persons.contains("flite:kal") || persons.contains("festival:kal"),
                "kal speaks under FreeTTS only: " + persons);
    }

    @Test
    void theSameSeedGivesTheSameCorpusWhateverTheEngineOrderAndThreads() throws IOException {
        Cli again = synth(temp.resolve("b"), "festival,flite,espeak,freetts", "1");
        assertEquals(0, again.exit(), again.out() + again.err());
        Path a = temp.resolve("a");
        Path b = temp.resolve("b");
        assertEquals(Files.readString(a.resolve("manifest.tsv")), Files.readString(b.resolve("manifest.tsv")));
        try (Stream<Path> files = Files.walk(a.resolve("wav"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(b.resolve(a.relativize(f))), f.toString());
            }
        }
    }

    @Test
    void splitManifestsTrainThroughTheManifestDatasetWithSpeakersFromThePaths() throws Exception {
        assertEquals(0, first.exit(), first.out() + first.err());
        Path splits = temp.resolve("a/splits");
        for (String part : List.of("train", "valid", "test")) {
            for (String ext : List.of("tsv", "wrd", "ltr", "phn")) {
                assertTrue(Files.exists(splits.resolve(part + "." + ext)), part + "." + ext);
            }
        }
        Path recipe = temp.resolve("manifest.yaml");
        Files.writeString(recipe, """
                name: from-manifest
                budget: {steps: 2}
                data:
                  train: {type: manifest, tsv: %s, speaker_pattern: "wav/([^/]+)/",
                          split: {by: speaker, part: train, shares: [0.5, 0.25, 0.25]}}
                frontend: {type: fbank, bins: 40}
                encoder: {type: transformer, layers: 1, dim: 16, heads: 2, ffn: 32}
                objective: mam
                batch: {seconds: 4, max_utterance_seconds: 2}
                """.formatted(splits.resolve("train.tsv")));
        Cli cli = Cli.run(temp.resolve("cache"), "train", recipe.toString(), "--runs", temp.resolve("runs").toString());
        // A split by speaker fails on utterances without a speaker: passing means the paths gave the speakers.
        assertEquals(0, cli.exit(), cli.out() + cli.err());
        assertTrue(Files.exists(temp.resolve("runs/from-manifest/manifest.json")));
    }

    @Test
    void anUnknownEngineIsAUserErrorNamingTheChoices() {
        Cli cli = synth(temp.resolve("c"), "freetts,mbrola", null);
        assertEquals(2, cli.exit(), cli.out() + cli.err());
        assertTrue(cli.err().contains("mbrola") && cli.err().contains("freetts, espeak, flite, festival"), cli.err());
        assertFalse(cli.err().contains("\tat "), "no stack trace: " + cli.err());
        Cli none = Cli.run(temp.resolve("cache"), "corpus", "synth", "--engines", "freetts", "--speakers", "0",
                "--out", temp.resolve("d").toString());
        assertEquals(2, none.exit(), none.out() + none.err());
        assertTrue(none.err().contains("pretext: corpus synth: speakers must be in [1, 1000], got 0"), none.err());
    }
}
