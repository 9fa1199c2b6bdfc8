package dev.pretext.core.recipe;

import dev.pretext.api.PluginKind;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadedRecipeTest {
    private static final Path FILE = Path.of("r.yaml");
    private static final String GOOD = """
            name: demo
            seed: 7
            budget: {flops: 2.0e13}
            data:
              train: {type: tts, minutes: 3}
            augment:
              - {type: speed, factors: [0.9, 1.1]}
              - gain
            frontend: fbank
            encoder: {type: transformer, version: "[1.0,2.0)", preset: slim}
            objective: {type: mam}
            optim: {lr: 1.0e-3}
            """;

    @Test
    void readsSectionsDefaultsAndPluginChoices() {
        LoadedRecipe r = LoadedRecipe.parse(FILE, GOOD);
        assertEquals("demo", r.recipe().name());
        assertEquals(7L, r.recipe().seed());
        assertEquals(new Budget.Flops(2.0e13), r.recipe().budget());
        assertEquals(1.0e-3, r.recipe().optim().lr());
        assertEquals(0.08, r.recipe().optim().warmup(), "default filled");
        assertEquals(80.0, r.recipe().batch().seconds(), "default filled");
        assertEquals("tts", r.train().type());
        assertEquals(r.train(), r.probeData(), "probes default to the training data");
        assertEquals(2, r.augment().size());
        assertEquals("gain", r.augment().get(1).type(), "shorthand type");
        assertEquals(PluginKind.ENCODER, r.encoder().kind());
        assertTrue(r.encoder().range().includes(new org.osgi.framework.Version("1.5.0")));
        assertEquals("slim", r.encoder().config().get("preset").asText());
        assertNull(r.encoder().config().get("type"), "type and version are not plugin config");
        assertNull(r.objective().range());
    }

    @Test
    void errorsNameFileLineAndKey() {
        RecipeError e = assertThrows(RecipeError.class, () -> LoadedRecipe.parse(FILE, GOOD.replace("lr:", "lrr:")));
        assertEquals(12, e.line());
        assertEquals("optim.lrr", e.key());
        assertTrue(e.getMessage().startsWith("r.yaml:12: optim.lrr: unknown key 'lrr'"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'lr'"), e.getMessage());
    }

    @Test
    void wrongTypesAndBadValuesAreLocated() {
        RecipeError seed = assertThrows(RecipeError.class, () -> LoadedRecipe.parse(FILE, GOOD.replace("seed: 7", "seed: [7]")));
        assertEquals(2, seed.line());
        assertTrue(seed.getMessage().contains("expected whole number"), seed.getMessage());

        RecipeError budget = assertThrows(RecipeError.class,
                () -> LoadedRecipe.parse(FILE, GOOD.replace("{flops: 2.0e13}", "{flops: 1, steps: 3}")));
        assertEquals(3, budget.line());
        assertTrue(budget.getMessage().contains("exactly one of flops, steps or hours"), budget.getMessage());

        RecipeError version = assertThrows(RecipeError.class,
                () -> LoadedRecipe.parse(FILE, GOOD.replace("\"[1.0,2.0)\"", "\"[one,two)\"")));
        assertEquals("encoder.version", version.key());
        assertEquals(10, version.line());
    }

    @Test
    void theFeatureCacheIsOffUnlessAskedForAndTakesOnlyTrueOrFalse() {
        assertEquals(false, LoadedRecipe.parse(FILE, GOOD).recipe().data().featureCache());
        String on = GOOD.replace("  train: {type: tts, minutes: 3}\n", "  train: {type: tts, minutes: 3}\n  feature_cache: true\n");
        assertEquals(true, LoadedRecipe.parse(FILE, on).recipe().data().featureCache());
        RecipeError path = assertThrows(RecipeError.class,
                () -> LoadedRecipe.parse(FILE, on.replace("feature_cache: true", "feature_cache: /fast/disk")));
        assertEquals("r.yaml:6: data.feature_cache: expected true or false, found string", path.getMessage());
    }

    @Test
    void missingSectionsSayWhatToAdd() {
        RecipeError e = assertThrows(RecipeError.class,
                () -> LoadedRecipe.parse(FILE, GOOD.replace("objective: {type: mam}\n", "")));
        assertEquals("objective", e.key());
        assertTrue(e.getMessage().contains("pretext plugins"), e.getMessage());
        RecipeError typeless = assertThrows(RecipeError.class,
                () -> LoadedRecipe.parse(FILE, GOOD.replace("{type: mam}", "{mask_prob: 0.1}")));
        assertTrue(typeless.getMessage().contains("says no type"), typeless.getMessage());
    }

    @Test
    void brokenYamlAndDuplicateKeysAreErrorsToo() {
        RecipeError yaml = assertThrows(RecipeError.class, () -> LoadedRecipe.parse(FILE, "name: [unclosed\n"));
        assertTrue(yaml.getMessage().contains("not valid YAML"), yaml.getMessage());
        RecipeError dup = assertThrows(RecipeError.class, () -> LoadedRecipe.parse(FILE, GOOD + "seed: 8\n"));
        assertTrue(dup.getMessage().contains("appears twice"), dup.getMessage());
    }

    @Test
    void aDuplicateKeyNamesTheFileAndBothLines() {
        RecipeError dup = assertThrows(RecipeError.class, () -> LoadedRecipe.parse(FILE, "name: a\nname: b\n"));
        assertTrue(dup.getMessage().startsWith("r.yaml:2: name: the key appears twice (first on line 1)"),
                dup.getMessage());
    }

    @Test
    void numbersOutOfRangeNameTheKeyAndTheLimit() {
        RecipeError bins = assertThrows(RecipeError.class,
                () -> LoadedRecipe.parse(FILE, GOOD.replace("seed: 7", "seed: 12345678901234567890")));
        assertEquals(2, bins.line());
        assertEquals("seed", bins.key());
        assertTrue(bins.getMessage().contains("12345678901234567890 is out of range: whole numbers go up to "
                + Long.MAX_VALUE), bins.getMessage());
        assertFalse(bins.getMessage().contains("not valid YAML"), bins.getMessage());

        RecipeError huge = assertThrows(RecipeError.class,
                () -> LoadedRecipe.parse(FILE, GOOD.replace("{lr: 1.0e-3}", "{accumulate: 1e40}")));
        assertEquals("optim.accumulate", huge.key());
        assertEquals(12, huge.line());
        assertTrue(huge.getMessage().contains("is out of range: a whole number here is at most 2147483647"),
                huge.getMessage());
    }

    @Test
    void nanAndInfinityAreNotNumbersARecipeTakes() {
        for (String v : new String[]{".nan", ".inf", "-.Inf", "1e999"}) {
            RecipeError e = assertThrows(RecipeError.class,
                    () -> LoadedRecipe.parse(FILE, GOOD.replace("{lr: 1.0e-3}", "{lr: " + v + "}")), v);
            assertEquals("optim.lr", e.key(), e.getMessage());
            assertEquals(12, e.line(), e.getMessage());
            assertTrue(e.getMessage().contains("'" + v + "' is not a finite number"), e.getMessage());
        }
    }

    @Test
    void deepNestingIsLocatedWithoutJacksonsInternals() {
        String deep = GOOD + "extra: " + "[".repeat(1100) + "]".repeat(1100) + "\n";
        RecipeError e = assertThrows(RecipeError.class, () -> LoadedRecipe.parse(FILE, deep));
        assertEquals(13, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains("nested more than " + LocatedYaml.MAX_DEPTH + " levels"), e.getMessage());
        assertFalse(e.getMessage().contains("StreamReadConstraints"), e.getMessage());
        assertTrue(e.getMessage().length() < 400, e.getMessage());
        StringBuilder b = new StringBuilder(GOOD + "extra:\n");
        for (int i = 1; i <= 80; i++) {
            b.append("  ".repeat(i)).append("k").append(i).append(":\n");
        }
        RecipeError blockDeep = assertThrows(RecipeError.class,
                () -> LoadedRecipe.parse(FILE, b + "  ".repeat(81) + "v: 1\n"));
        assertTrue(blockDeep.line() > 13, blockDeep.getMessage());
        assertTrue(blockDeep.getMessage().contains("nested more than"), blockDeep.getMessage());
    }

    @Test
    void aVeryLongKeyIsCalledThatAndNotEchoedWhole() {
        String text = GOOD + "k".repeat(100_000) + ": 1\n";
        RecipeError e = assertThrows(RecipeError.class, () -> LoadedRecipe.parse(FILE, text));
        assertEquals(13, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains("a key of 100000 characters"), e.getMessage());
        assertTrue(e.getMessage().length() < 400, e.getMessage());
        // A long key YAML does read is an unknown key, echoed cut.
        RecipeError read = assertThrows(RecipeError.class,
                () -> LoadedRecipe.parse(FILE, GOOD + "k".repeat(1_000) + ": 1\n"));
        assertTrue(read.getMessage().contains("unknown key 'kkk"), read.getMessage());
        assertTrue(read.getMessage().contains("(1000 characters)"), read.getMessage());
        assertTrue(read.getMessage().length() < 1000, read.getMessage());
    }

    @Test
    void longEchoedValuesAreCut() {
        String type = "m".repeat(100_000);
        RecipeError e = new RecipeError(FILE, 8, "objective.type", "no objective plugin of type '" + type
                + "' is installed; installed objective types: mam", null);
        assertTrue(e.getMessage().contains("'mmm"), e.getMessage());
        assertTrue(e.getMessage().contains("... (100000 characters)' is installed; installed objective types: mam"),
                e.getMessage());
        assertTrue(e.getMessage().length() < 300, e.getMessage());
        RecipeError name = assertThrows(RecipeError.class,
                () -> LoadedRecipe.parse(FILE, GOOD.replace("name: demo", "name: " + "n".repeat(5_000))));
        assertTrue(name.getMessage().contains("name is 5000 characters long; a run name is at most 100"),
                name.getMessage());
        assertTrue(name.getMessage().length() < 300, name.getMessage());
        RecipeError dots = assertThrows(RecipeError.class,
                () -> LoadedRecipe.parse(FILE, GOOD.replace("name: demo", "name: '..'")));
        assertTrue(dots.getMessage().contains("not a folder name of its own"), dots.getMessage());
    }

    private static final String PROBES = GOOD + """
            probes:
              tasks: [{type: phonemes}]
              seeds: SEEDS
            """;

    @Test
    void probeSeedsDefaultToTheRunSeedAlone() {
        assertEquals(List.of(7L), LoadedRecipe.parse(FILE, GOOD).probing().seedsOr(7));
        LoadedRecipe none = LoadedRecipe.parse(FILE, PROBES.replace("  seeds: SEEDS\n", ""));
        assertNull(none.probing().seeds());
        assertEquals(List.of(7L), none.probing().seedsOr(none.recipe().seed()));
        LoadedRecipe three = LoadedRecipe.parse(FILE, PROBES.replace("SEEDS", "[3, 1, 2]"));
        assertEquals(List.of(3L, 1L, 2L), three.probing().seedsOr(7), "in the order given");
    }

    @Test
    void duplicateEmptyOrOddProbeSeedsAreErrorsAtTheirLine() {
        RecipeError dup = assertThrows(RecipeError.class,
                () -> LoadedRecipe.parse(FILE, PROBES.replace("SEEDS", "[1, 2, 1]")));
        assertEquals(15, dup.line());
        assertEquals("probes.seeds[2]", dup.key());
        assertTrue(dup.getMessage().startsWith("r.yaml:15: probes.seeds[2]: seed 1 appears twice (entries 1 and 3)"),
                dup.getMessage());
        String block = PROBES.replace("SEEDS", "\n    - 4\n    - 5\n    - 4");
        RecipeError dupBlock = assertThrows(RecipeError.class, () -> LoadedRecipe.parse(FILE, block));
        assertEquals(18, dupBlock.line(), "the repeated entry's own line");

        RecipeError empty = assertThrows(RecipeError.class,
                () -> LoadedRecipe.parse(FILE, PROBES.replace("SEEDS", "[]")));
        assertEquals(15, empty.line());
        assertTrue(empty.getMessage().startsWith("r.yaml:15: probes.seeds: the list is empty"), empty.getMessage());
        RecipeError nothing = assertThrows(RecipeError.class,
                () -> LoadedRecipe.parse(FILE, PROBES.replace(" SEEDS", "")));
        assertTrue(nothing.getMessage().startsWith("r.yaml:15: probes.seeds: no seeds given"), nothing.getMessage());

        RecipeError half = assertThrows(RecipeError.class,
                () -> LoadedRecipe.parse(FILE, PROBES.replace("SEEDS", "[1, 2.5]")));
        assertEquals("probes.seeds[1]", half.key());
        assertTrue(half.getMessage().contains("'2.5' is not a whole number"), half.getMessage());
        RecipeError many = assertThrows(RecipeError.class, () -> LoadedRecipe.parse(FILE, PROBES.replace("SEEDS",
                java.util.stream.IntStream.rangeClosed(1, 33).mapToObj(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(", ", "[", "]")))));
        assertTrue(many.getMessage().startsWith("r.yaml:15: probes.seeds: 33 seeds; at most 32"), many.getMessage());
        RecipeError text = assertThrows(RecipeError.class,
                () -> LoadedRecipe.parse(FILE, PROBES.replace("SEEDS", "three")));
        assertEquals(15, text.line());
        assertTrue(text.getMessage().contains("expected list"), text.getMessage());
    }

    @Test
    void probeSeedsBuiltInCodeAreCheckedToo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Recipe.Probes(null, null, null, List.of(4L, 4L)));
        assertTrue(e.getMessage().startsWith("seeds: seed 4 appears twice"), e.getMessage());
        assertNull(Recipe.Probes.seedsProblem(List.of(1L, 2L, 3L)));
        assertTrue(Recipe.Probes.seedsProblem(List.of()).startsWith("the list is empty"));
    }
}
