package dev.pretext.study;

import dev.pretext.core.Json;
import dev.pretext.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan for a budget the sweep did not run, against the law the fixture was made from. */
class StudyPlanTest {
    @TempDir
    Path tmp;

    @Test
    void recommendsTheSizeTheLawGivesWithItsScaleAndData() throws Exception {
        Path sweep = SweepFixture.write(tmp.resolve("s"), StudyReportTest.ANALYSIS);
        double c = 1e15;
        StudyPlan.Plan plan = StudyPlan.recommend(sweep, c);
        assertEquals(2, plan.recommendations().size());
        double truth = Math.pow(10, SweepFixture.optimum(c));
        for (StudyPlan.Recommendation r : plan.recommendations()) {
            assertEquals(Math.log10(truth), Math.log10(r.parameters()), 0.08, "N* at 1e15 for " + r.family());
            assertNotNull(r.parametersInterval());
            assertTrue(r.parametersInterval().lo() < truth && truth < r.parametersInterval().hi(),
                    r.parametersInterval() + " vs " + truth);
            // parameters = 4e6 · scale^1.5 in the fixture.
            assertEquals(Math.pow(r.parameters() / 4e6, 1 / 1.5), r.scale(), 0.05 * r.scale());
            assertEquals(c / (SweepFixture.KAPPA * r.parameters()), r.hours(), 0.05 * r.hours());
            assertEquals(List.of(1e13, 3e13, 1e14), r.budgets());
            assertEquals(15, r.points());
        }
        assertTrue(plan.warnings().isEmpty(), "10x the largest budget is not yet flagged: " + plan.warnings());
        String text = plan.text();
        assertTrue(text.contains("objective = hubert:"), text);
        assertTrue(text.contains("encoder.scale"), text);
        // The JSON holds the same numbers.
        @SuppressWarnings("unchecked")
        Map<String, Object> json = Json.MAPPER.readValue(Json.pretty(plan.json()), Map.class);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> recs = (List<Map<String, Object>>) json.get("recommendations");
        assertEquals(plan.recommendations().get(0).parameters(), ((Number) recs.get(0).get("parameters")).doubleValue());
    }

    @Test
    void warnsWhenTheBudgetIsFarBeyondTheSweep() throws Exception {
        Path sweep = SweepFixture.write(tmp.resolve("far"), StudyReportTest.ANALYSIS);
        StudyPlan.Plan plan = StudyPlan.recommend(sweep, 1e17);
        assertEquals(1, plan.warnings().size());
        assertTrue(plan.warnings().get(0).contains("1000x the largest budget"), plan.warnings().get(0));
        assertTrue(plan.text().contains("warning: "));
    }

    @Test
    void anEmptyFolderOrTooFewBudgetsAreTheUsersToFix() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        UserError e = assertThrows(UserError.class, () -> StudyPlan.recommend(empty, 1e15));
        assertTrue(e.getMessage().contains("has no results.jsonl") && e.getMessage().contains("pretext sweep"),
                e.getMessage());

        Path sweep = SweepFixture.write(tmp.resolve("one"), StudyReportTest.ANALYSIS);
        // Keep one budget only.
        List<String> lines = Files.readAllLines(sweep.resolve("results.jsonl")).stream()
                .filter(l -> l.contains("\"budget.flops\":1.0E13")).toList();
        Files.write(sweep.resolve("results.jsonl"), lines);
        UserError few = assertThrows(UserError.class, () -> StudyPlan.recommend(sweep, 1e15));
        assertTrue(few.getMessage().contains("1 of 1 budget has an interior optimum; the law needs 2"), few.getMessage());
        assertTrue(few.getMessage().contains("add budgets or sizes"), few.getMessage());
        assertTrue(assertThrows(UserError.class, () -> StudyPlan.recommend(sweep, -1)).getMessage()
                .contains("--flops"));
    }
}
