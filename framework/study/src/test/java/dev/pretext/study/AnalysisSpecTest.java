package dev.pretext.study;

import dev.pretext.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The analysis block of a sweep file: defaults, keys, and errors that point at the line. */
class AnalysisSpecTest {
    @TempDir
    Path tmp;

    @Test
    void noFileOrNoBlockGivesTheDefaults() throws Exception {
        AnalysisSpec d = AnalysisSpec.read(tmp);
        assertEquals("score", d.metric());
        assertEquals("parameters", d.size());
        assertEquals("flops_budget", d.budget());
        assertNull(d.data());
        assertNull(d.categories(), "null: every non-numeric axis");
        assertEquals(1000, d.bootstrap());
        Files.writeString(tmp.resolve("sweep.yaml"), "name: s\ngrid: {encoder.scale: [1, 2]}\n");
        assertEquals(d, AnalysisSpec.read(tmp));
    }

    @Test
    void readsEveryKey() throws Exception {
        Files.writeString(tmp.resolve("sweep.yaml"), "name: s\nanalysis:\n  metric: phonemes\n  size: parameters\n"
                + "  budget: budget.flops\n  data: data.train.hours\n  categories: [encoder.preset, objective]\n"
                + "  bootstrap: 500\n  bootstrap_seed: 9\n");
        AnalysisSpec s = AnalysisSpec.read(tmp);
        assertEquals(new AnalysisSpec("phonemes", "parameters", "budget.flops", "data.train.hours",
                List.of("encoder.preset", "objective"), 500, 9), s);
    }

    @Test
    void anUnknownKeyOrAWrongTypeNamesTheLine() throws Exception {
        Files.writeString(tmp.resolve("sweep.yaml"), "name: s\nanalysis:\n  metric: score\n  metrc: score\n");
        UserError e = assertThrows(UserError.class, () -> AnalysisSpec.read(tmp));
        assertTrue(e.getMessage().contains("sweep.yaml:4: analysis.metrc: not a key of the analysis block"),
                e.getMessage());
        assertTrue(e.getMessage().contains("metric, size, budget, data, categories, bootstrap, bootstrap_seed"));

        Files.writeString(tmp.resolve("sweep.yaml"), "analysis:\n  categories: objective\n");
        assertTrue(assertThrows(UserError.class, () -> AnalysisSpec.read(tmp)).getMessage()
                .contains("sweep.yaml:2: analysis.categories: must be a list of axis paths"));

        Files.writeString(tmp.resolve("sweep.yaml"), "analysis:\n  bootstrap: 10\n");
        assertTrue(assertThrows(UserError.class, () -> AnalysisSpec.read(tmp)).getMessage()
                .contains("give between 100 and 100000"));
    }

    @Test
    void aSweepWithoutTheBlockGetsTheDefaults() {
        dev.pretext.core.recipe.LocatedYaml yaml = dev.pretext.core.recipe.LocatedYaml.read(Path.of("sweep.yaml"),
                "grid:\n  encoder.scale: [1, 2]\n");
        assertEquals(AnalysisSpec.defaults(), AnalysisSpec.parse(yaml, yaml.root().get("analysis")));
    }

    @Test
    void theBlockIsCheckedAgainstTheGridBeforeAnythingRuns() {
        String text = "grid:\n  encoder.scale: [1, 2]\n  budget.flops: [1e13, 1e14]\nanalysis:\n  budget: budget.flops\n"
                + "  categories: [objective]\n";
        dev.pretext.core.recipe.LocatedYaml yaml = dev.pretext.core.recipe.LocatedYaml.read(Path.of("sweep.yaml"), text);
        AnalysisSpec spec = AnalysisSpec.parse(yaml, yaml.root().get("analysis"));
        UserError e = assertThrows(UserError.class, () -> spec.check(yaml, List.of("encoder.scale", "budget.flops")));
        assertTrue(e.getMessage().startsWith("sweep.yaml:6: analysis.categories[0]: 'objective' is not an axis"),
                e.getMessage());
        assertTrue(e.getMessage().contains("the sweep's axes are encoder.scale, budget.flops"), e.getMessage());
        // Fields of the results are fine where a number is wanted; a grid axis is fine anywhere.
        AnalysisSpec ok = new AnalysisSpec(null, "parameters", "budget.flops", "encoder.scale", List.of(), 0, 1);
        ok.check(yaml, List.of("encoder.scale", "budget.flops"));
        AnalysisSpec bad = new AnalysisSpec(null, "paramters", null, null, null, 0, 1);
        assertTrue(assertThrows(UserError.class, () -> bad.check(yaml, List.of("encoder.scale"))).getMessage()
                .contains("analysis.size: 'paramters' is neither an axis of the sweep nor a field of its results"));
    }

    @Test
    void categoriesNoRunSetsAreRefused() throws Exception {
        Path sweep = SweepFixture.write(tmp.resolve("s"), "analysis:\n  categories: [encoder.preset]\n");
        SweepResults r = SweepResults.read(sweep);
        UserError e = assertThrows(UserError.class, () -> r.categories(AnalysisSpec.read(sweep)));
        assertTrue(e.getMessage().contains("'encoder.preset', which no run of s sets"), e.getMessage());
        assertTrue(e.getMessage().contains("encoder.scale, budget.flops, objective"), e.getMessage());
        // Without the key, the non-numeric axes are the categories.
        assertEquals(List.of("objective"), r.categories(AnalysisSpec.defaults()));
    }

    @Test
    void anUnknownMetricNamesTheKnownOnes() throws Exception {
        Path sweep = SweepFixture.write(tmp.resolve("m"), "analysis:\n  metric: phonmes\n");
        UserError e = assertThrows(UserError.class, () -> StudyReport.write(sweep));
        assertTrue(e.getMessage().contains("'phonmes' is in no run") && e.getMessage().contains("score, final_loss, "
                + "phonemes"), e.getMessage());
    }
}
