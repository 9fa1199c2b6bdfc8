package dev.pretext.core.sweep;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.pretext.core.recipe.LocatedYaml;
import dev.pretext.core.recipe.RecipeError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepPlanTest {
    @TempDir
    Path dir;

    private static final String BASE = """
            name: base
            budget: {flops: 1.0e12}
            data:
              train: {type: tts, minutes: 6}
            augment:
              - {type: speed, p: 0.5}
            encoder: {type: transformer, preset: slim, scale: 0.25}
            objective: {type: mam, mask_prob: 0.15}
            """;

    private SweepFile sweep(String text) throws IOException {
        Files.writeString(dir.resolve("base.yaml"), BASE);
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, text);
        return SweepFile.load(file);
    }

    private List<SweepPlan.PlannedRun> expand(SweepFile s) {
        return SweepPlan.expand(s, LocatedYaml.read(s.base(), BASE));
    }

    @Test
    void theGridExpandsFirstAxisSlowestWithReadableNames() throws IOException {
        SweepFile s = sweep("""
                name: sizes
                base: base.yaml
                grid:
                  encoder.scale: [0.25, 1]
                  budget.flops: [1.5e13, 4.5e13]
                probe_seeds: [1, 2]
                """);
        List<SweepPlan.PlannedRun> runs = expand(s);
        assertEquals(List.of("scale0.25-flops1.5e13", "scale0.25-flops4.5e13", "scale1-flops1.5e13",
                "scale1-flops4.5e13"), runs.stream().map(SweepPlan.PlannedRun::name).toList());
        SweepPlan.PlannedRun last = runs.get(3);
        assertEquals(1, last.recipe().at("/encoder/scale").asInt());
        assertEquals(4.5e13, last.recipe().at("/budget/flops").asDouble());
        assertEquals("slim", last.recipe().at("/encoder/preset").asText(), "other keys of the section stay");
        assertEquals("scale1-flops4.5e13", last.recipe().get("name").asText());
        assertEquals("[1,2]", last.recipe().at("/probes/seeds").toString());
        assertEquals(List.of("encoder.scale", "budget.flops"), List.copyOf(last.labels().keySet()));
    }

    @Test
    void aMappingValueReplacesTheWholeSectionAndListItemsAreAddressed() throws IOException {
        SweepFile s = sweep("""
                name: objectives
                base: base.yaml
                set:
                  augment[0].p: 1.0
                runs:
                  - {objective: {type: hubert, clusters: 50}}
                  - {name: tera, objective: {type: mam}}
                """);
        List<SweepPlan.PlannedRun> runs = expand(s);
        assertEquals(List.of("hubert_clusters50", "tera"), runs.stream().map(SweepPlan.PlannedRun::name).toList());
        assertEquals("{\"type\":\"hubert\",\"clusters\":50}", runs.get(0).recipe().get("objective").toString(),
                "mam's mask_prob must not leak into hubert's section");
        assertEquals(1.0, runs.get(1).recipe().at("/augment/0/p").asDouble());
        assertEquals(List.of("variant", "objective"), List.copyOf(runs.get(1).labels().keySet()),
                "set is not an axis; a named run is a value of the variant axis");
        assertEquals("tera", runs.get(1).labels().get("variant"));
    }

    @Test
    void mistakesInTheSweepFileAreToldAtTheirLine() throws IOException {
        RecipeError unknown = assertThrows(RecipeError.class, () -> sweep("""
                name: x
                base: base.yaml
                grids: {encoder.scale: [1]}
                """));
        assertEquals(3, unknown.line());
        RecipeError empty = assertThrows(RecipeError.class, () -> sweep("""
                name: x
                base: base.yaml
                grid:
                  encoder.scale: []
                """));
        assertEquals(4, empty.line());
        RecipeError twice = assertThrows(RecipeError.class, () -> sweep("""
                name: x
                base: base.yaml
                grid:
                  budget.flops: [1.0e12, 1.0e12]
                """));
        assertTrue(twice.getMessage().contains("appears twice"), twice.getMessage());
        RecipeError path = assertThrows(RecipeError.class, () -> sweep("""
                name: x
                base: base.yaml
                grid:
                  encoder..scale: [1]
                """));
        assertTrue(path.getMessage().contains("s.yaml:4"), path.getMessage());
        RecipeError base = assertThrows(RecipeError.class, () -> sweep("""
                name: x
                base: missing.yaml
                grid: {encoder.scale: [1]}
                """));
        assertTrue(base.getMessage().contains("missing.yaml does not exist"), base.getMessage());
        RecipeError seeds = assertThrows(RecipeError.class, () -> sweep("""
                name: x
                base: base.yaml
                grid: {encoder.scale: [1]}
                probe_seeds: [1, 1]
                """));
        assertEquals(4, seeds.line());
    }

    @Test
    void anOverrideThroughAValueOrPastAListsEndNamesTheRunAndLine() throws IOException {
        SweepFile s = sweep("""
                name: x
                base: base.yaml
                grid:
                  encoder.scale: [1]
                  augment[3].p: [0.5]
                """);
        RecipeError e = assertThrows(RecipeError.class, () -> expand(s));
        assertEquals(5, e.line());
        assertTrue(e.getMessage().contains("run scale1-p0.5") && e.getMessage().contains("no [3]"), e.getMessage());
        SweepFile through = sweep("""
                name: x
                base: base.yaml
                grid:
                  budget.flops.x: [1]
                """);
        RecipeError t = assertThrows(RecipeError.class, () -> expand(through));
        assertTrue(t.getMessage().contains("not a mapping"), t.getMessage());
    }

    @Test
    void runsThatWouldShareANameAreRefused() throws IOException {
        SweepFile s = sweep("""
                name: x
                base: base.yaml
                runs:
                  - {encoder.scale: 1}
                  - {encoder.scale: 1.0}
                """);
        RecipeError e = assertThrows(RecipeError.class, () -> expand(s));
        assertTrue(e.getMessage().contains("two runs are named 'scale1'"), e.getMessage());
    }

    @Test
    void anErrorInARunsRecipeIsToldAtTheAxisThatCausedIt() throws IOException {
        SweepFile s = sweep("""
                name: x
                base: base.yaml
                grid:
                  encoder.scale: [0.5]
                  objective.mask_prob: [2.0]
                """);
        SweepPlan.PlannedRun run = expand(s).get(0);
        LocatedYaml base = LocatedYaml.read(s.base(), BASE);
        RecipeError fromBinder = new RecipeError(Path.of("recipes/x.yaml"), 30, "objective.mask_prob",
                "mask_prob must be in (0, 1)", null);
        RecipeError relocated = Sweep.relocate(s, base, run, fromBinder);
        assertEquals(5, relocated.line());
        assertTrue(relocated.getMessage().startsWith(s.source().file() + ":5: grid.objective.mask_prob: run "
                + "scale0.5-maskProb2: mask_prob must be in (0, 1)"), relocated.getMessage());
        RecipeError elsewhere = Sweep.relocate(s, base, run, new RecipeError(Path.of("recipes/x.yaml"), 9,
                "data.train.minutes", "too many", null));
        assertEquals(4, elsewhere.line(), "the base recipe's own line of the key");
        assertTrue(elsewhere.getMessage().startsWith(s.base() + ":4:"), elsewhere.getMessage());
    }

    @Test
    void labelsAreCompactAndSafeForFileNames() {
        assertEquals("1.5e13", Overrides.number(new BigDecimal("1.5E+13")));
        assertEquals("0.25", Overrides.number(new BigDecimal("0.250")));
        assertEquals("6", Overrides.number(new BigDecimal("6.0")));
        assertEquals("1e-4", Overrides.number(new BigDecimal("0.0001")));
        assertEquals("slim", Overrides.label(JsonNodeFactory.instance.textNode("Slim")));
        assertEquals("a-b", Overrides.label(JsonNodeFactory.instance.textNode("a/b")));
    }

    @Test
    void resultsNumbersHaveSixSignificantDigits() {
        assertEquals("0.123457", SweepResults.format(0.12345678));
        assertEquals("1.5e13", SweepResults.format(1.5e13));
        assertEquals("42", SweepResults.format(42L));
        assertEquals("", SweepResults.format(Double.NaN));
    }
}
