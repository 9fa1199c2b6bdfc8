package dev.pretext.integration;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every user mistake in a recipe ends with exit code 2 and a short message naming the file and line, the key,
 * and what would be valid; never a stack trace. Runs {@code pretext recipe check} against the real bundles.
 */
class RecipeErrorsTest {
    private static final String BASE = """
            name: broken
            seed: 1
            budget: {steps: 10}
            data:
              train: %s
            frontend: {type: fbank}
            encoder: %s
            objective: %s
            """;

    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            misspelt plugin key   | {type: tts, minutes: 0.2} | {type: transformer, preset: tiny} | {type: mam, mask_prb: 0.2}    | 8 | objective.mask_prb | did you mean 'mask_prob'
            wrong value type      | {type: tts, minutes: lots} | {type: transformer, preset: tiny} | {type: mam}                  | 5 | data.train.minutes | number
            invalid value         | {type: tts, minutes: 0.2} | {type: transformer, preset: tiny} | {type: mam, mask_prob: 1.5}   | 8 | objective          | mask_prob
            unknown plugin type   | {type: tts, minutes: 0.2} | {type: transformer, preset: tiny} | {type: hubertt}               | 8 | objective.type     | did you mean 'hubert'?
            unsatisfiable version | {type: tts, minutes: 0.2} | {type: transformer, preset: tiny} | {type: mam, version: '[2.0,3.0)'} | 8 | objective.version | installed: 1.1.0
            missing data folder   | {type: wavdir, root: /no/such/folder} | {type: transformer, preset: tiny} | {type: mam} | 5 | data.train | /no/such/folder
            heads not dividing    | {type: tts, minutes: 0.2} | {type: transformer, layers: 2, dim: 30, heads: 4, ffn: 60} | {type: mam} | 7 | encoder | heads
            """)
    void isReportedWithFileLineKeyAndHint(String name, String train, String encoder, String objective, int line,
                                          String key, String hint) throws Exception {
        Path recipe = temp.resolve("broken.yaml");
        Files.writeString(recipe, BASE.formatted(train, encoder, objective));
        Cli cli = Cli.run(temp.resolve("cache"), "recipe", "check", recipe.toString());
        assertEquals(2, cli.exit(), cli.err());
        assertTrue(cli.err().contains(recipe + ":" + line + ": " + key), "where: " + cli.err());
        assertTrue(cli.err().contains(hint), "hint '" + hint + "' in: " + cli.err());
        assertFalse(cli.err().contains("\tat "), "no stack trace: " + cli.err());
    }

    @ParameterizedTest(name = "core section: {0}")
    @CsvSource(delimiter = '|', textBlock = """
            misspelt section key | 'optim: {learning_rate: 0.1}' | 9 | optim.learning_rate | allowed here
            unknown section      | 'optimiser: {lr: 0.1}'        | 9 | optimiser           | did you mean 'optim'
            bad budget           | 'budget2: 1'                  | 9 | budget2             | allowed here
            """)
    void coreSectionsAreCheckedToo(String name, String extra, int line, String key, String hint) throws Exception {
        Path recipe = temp.resolve("broken.yaml");
        Files.writeString(recipe, BASE.formatted("{type: tts, minutes: 0.2}", "{type: transformer, preset: tiny}",
                "{type: mam}") + extra + "\n");
        Cli cli = Cli.run(temp.resolve("cache"), "recipe", "check", recipe.toString());
        assertEquals(2, cli.exit(), cli.err());
        assertTrue(cli.err().contains(recipe + ":" + line + ": " + key), "where: " + cli.err());
        assertTrue(cli.err().contains(hint), "hint '" + hint + "' in: " + cli.err());
        assertFalse(cli.err().contains("\tat "), "no stack trace: " + cli.err());
    }

    private static String good() {
        return BASE.formatted("{type: tts, minutes: 0.2}", "{type: transformer, preset: tiny}", "{type: mam}");
    }

    static Stream<Arguments> misleadingBefore() {
        String deep = "[".repeat(1100) + "]".repeat(1100);
        return Stream.of(
                Arguments.of("duplicate key", good() + "seed: 2\n", 9, "seed", "the key appears twice (first on line 2)"),
                Arguments.of("int out of range", good().replace("{type: fbank}", "{type: fbank, bins: 1e40}"), 6,
                        "frontend.bins", "is out of range: a whole number here is at most 2147483647"),
                Arguments.of("20-digit seed", good().replace("seed: 1", "seed: 12345678901234567890"), 2, "seed",
                        "12345678901234567890 is out of range: whole numbers go up to 9223372036854775807"),
                Arguments.of("nan", good().replace("minutes: 0.2", "minutes: .nan"), 5, "data.train.minutes",
                        "'.nan' is not a finite number"),
                Arguments.of("deep nesting", good() + "extra: " + deep + "\n", 9, "extra",
                        "nested more than 64 levels deep"),
                Arguments.of("100,000-character key", good() + "k".repeat(100_000) + ": 1\n", 9, "",
                        "a key of 100000 characters"),
                Arguments.of("100,000-character type", good().replace("{type: mam}", "{type: " + "m".repeat(100_000)
                        + "}"), 8, "objective.type", "... (100000 characters)' is installed"),
                Arguments.of("5,000-character name", good().replace("name: broken", "name: " + "n".repeat(5_000)), 1,
                        "", "name is 5000 characters long; a run name is at most 100"),
                Arguments.of("huge batch", good() + "batch: {seconds: 1.0e12}\n", 9, "batch.seconds",
                        "a training step needs about"),
                Arguments.of("huge encoder", good().replace("{type: transformer, preset: tiny}",
                        "{type: transformer, layers: 1, dim: 100000, heads: 4, ffn: 100000}"), 7, "encoder",
                        "parameters, gradients and AdamW state 960 GB"),
                Arguments.of("threads and prefetch", good() + "batch: {loader_threads: 100000, prefetch: 2147483647}\n",
                        9, "batch", "at most 64 and 64"));
    }

    /**
     * What used to mislead (no file name, "not valid YAML" for a number, Jackson's internals, a whole
     * 100,000-character value echoed) or crash later (a step that cannot fit in memory, a loader that never
     * finishes starting, a name no folder can have) is a short message at the key, exit code 2.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("misleadingBefore")
    void limitsAndMessagesNameTheKey(String name, String text, int line, String key, String hint) throws Exception {
        Path recipe = temp.resolve("broken.yaml");
        Files.writeString(recipe, text);
        Cli cli = Cli.run(temp.resolve("cache"), "recipe", "check", recipe.toString());
        assertEquals(2, cli.exit(), cli.err());
        assertTrue(cli.err().startsWith("pretext: " + recipe + ":" + line + ": " + key), "where: " + cli.err());
        assertTrue(cli.err().contains(hint), "hint '" + hint + "' in: " + cli.err());
        assertFalse(cli.err().contains("\tat ") || cli.err().contains("StreamReadConstraints")
                || cli.err().contains("com.fasterxml"), "no stack trace or internals: " + cli.err());
        assertTrue(cli.err().length() < 800, "short: " + cli.err().length() + " characters: " + cli.err());
        assertTrue(cli.err().strip().lines().count() <= 3, cli.err());
    }

    /** `pretext train` refuses what cannot fit before it makes (or, with --force, deletes) the run folder. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no run folder yet  | false
            --force keeps it   | true
            """)
    void trainRefusesWhatCannotFitAndLosesNothing(String name, boolean existing) throws Exception {
        Path recipe = temp.resolve("broken.yaml");
        Files.writeString(recipe, good() + "batch: {seconds: 1.0e12}\n");
        Path runs = temp.resolve("runs");
        if (existing) {
            Files.createDirectories(runs.resolve("broken"));
            Files.writeString(runs.resolve("broken").resolve("notes.txt"), "an earlier run");
        }
        Cli cli = Cli.run(temp.resolve("cache"), "train", recipe.toString(), "--runs", runs.toString(), "--force");
        assertEquals(2, cli.exit(), cli.err());
        assertTrue(cli.err().contains(recipe + ":9: batch.seconds: a training step needs about"), cli.err());
        assertFalse(cli.err().contains("\tat "), cli.err());
        if (existing) {
            assertEquals("an earlier run", Files.readString(runs.resolve("broken").resolve("notes.txt")));
        } else {
            assertFalse(Files.exists(runs.resolve("broken")), "no run folder made");
        }
    }

    /**
     * Attention grows with the square of an utterance's frames, which only the data says: `recipe check` notes
     * the bound, `train` lists the data and refuses its real batches (one 10-minute recording here) before it
     * trains, and leaves no run folder.
     */
    @org.junit.jupiter.api.Test
    void longUtterancesAreRefusedOnTheDatasRealBatches() throws Exception {
        Path wavs = Files.createDirectories(temp.resolve("wavs"));
        writeSilence(wavs.resolve("long.wav"), 600);
        Path recipe = temp.resolve("long.yaml");
        Files.writeString(recipe, BASE.formatted("{type: wavdir, root: " + wavs + "}",
                "{type: transformer, layers: 4, dim: 128, heads: 4, ffn: 256}", "{type: mam}")
                + "batch: {seconds: 600, max_utterance_seconds: 600}\n");
        Cli check = Cli.run(temp.resolve("cache"), "recipe", "check", recipe.toString());
        assertEquals(0, check.exit(), check.err());
        assertTrue(check.out().contains("note: if every utterance were as long as batch.max_utterance_seconds (60000 "
                + "frames)"), check.out());

        Path runs = temp.resolve("runs");
        Cli train = Cli.run(temp.resolve("cache"), "train", recipe.toString(), "--runs", runs.toString());
        assertEquals(2, train.exit(), train.out() + train.err());
        assertTrue(train.err().contains(recipe + ":9: batch.seconds: a training step needs about"), train.err());
        assertTrue(train.err().contains("utterances up to 60000 frames"), train.err());
        assertFalse(train.err().contains("\tat "), train.err());
        assertFalse(Files.exists(runs.resolve("broken")), "no run folder left");
    }

    /** A 16 kHz mono 16-bit WAV of {@code seconds} of silence. */
    private static void writeSilence(Path file, int seconds) throws java.io.IOException {
        int bytes = seconds * 16000 * 2;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + bytes).put("WAVE".getBytes(StandardCharsets.US_ASCII)).put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(16000).putInt(32000).putShort((short) 2)
                .putShort((short) 16).put("data".getBytes(StandardCharsets.US_ASCII)).putInt(bytes);
        Files.write(file, b.array());
    }
}
