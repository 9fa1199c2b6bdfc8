package dev.pretext.integration;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

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
            unsatisfiable version | {type: tts, minutes: 0.2} | {type: transformer, preset: tiny} | {type: mam, version: '[2.0,3.0)'} | 8 | objective.version | installed: 1.0.0
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
}
