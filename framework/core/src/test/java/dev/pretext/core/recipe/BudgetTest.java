package dev.pretext.core.recipe;

import dev.pretext.core.TrainingFlops;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BudgetTest {
    private static Budget bind(String yaml) {
        LocatedYaml y = LocatedYaml.read(Path.of("b.yaml"), yaml);
        return ConfigBinder.bind(y, "budget", y.root(), Budget.class);
    }

    @Test
    void eachKeyGivesItsKindAndIsWrittenBackAsGiven() throws Exception {
        assertEquals(new Budget.Flops(2e13), bind("{flops: 2.0e13}"));
        assertEquals(new Budget.Steps(10), bind("{steps: 10}"));
        assertEquals(new Budget.Hours(1.5), bind("{hours: 1.5}"));
        // The resolved recipe writes the section back with its one key, typed as the recipe's record had it.
        assertEquals("{\"flops\":2.0E13}", ConfigBinder.compactJson(new Budget.Flops(2e13)));
        assertEquals("{\"steps\":10}", ConfigBinder.compactJson(new Budget.Steps(10)));
        assertEquals("{\"hours\":0.5}", ConfigBinder.compactJson(new Budget.Hours(0.5)));
        assertEquals("steps: 10\n", ConfigBinder.YAML_WRITER.writeValueAsString(new Budget.Steps(10)));
    }

    @Test
    void exactlyOnePositiveLimitIsAccepted() {
        RecipeError two = assertThrows(RecipeError.class, () -> bind("{flops: 1, steps: 3}"));
        assertTrue(two.getMessage().contains("exactly one of flops, steps or hours"), two.getMessage());
        assertThrows(RecipeError.class, () -> bind("{}"));
        RecipeError negative = assertThrows(RecipeError.class, () -> bind("{steps: 0}"));
        assertTrue(negative.getMessage().contains("the budget must be positive"), negative.getMessage());
        RecipeError unknown = assertThrows(RecipeError.class, () -> bind("{flop: 1}"));
        assertTrue(unknown.getMessage().startsWith("b.yaml:1: budget.flop: unknown key 'flop'"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("flops"), unknown.getMessage());
    }

    @Test
    void stepsAndHoursStopBeforeAStepFlopsBeforeOneThatWouldOverspend() {
        Budget steps = new Budget.Steps(5);
        assertNull(steps.exhausted(4, 1e9));
        assertEquals("step budget spent", steps.exhausted(5, 0));
        assertFalse(steps.predictsSteps());
        assertNull(steps.overspent(1e30, 1e30));

        Budget hours = new Budget.Hours(0.5);
        assertNull(hours.exhausted(1_000_000, 1799.9));
        assertEquals("time budget spent", hours.exhausted(0, 1800));

        Budget flops = new Budget.Flops(100);
        assertNull(flops.exhausted(1_000_000, 1e9));
        assertTrue(flops.predictsSteps());
        assertNull(flops.overspent(60, 40));
        assertEquals("FLOPs budget spent", flops.overspent(60, 40.5));
    }

    @Test
    void theScheduleIsPlannedOnWholeStepsAndAtLeastOne() {
        assertEquals(7, new Budget.Steps(7).plannedSteps(() -> 1e30));
        assertEquals(3, new Budget.Flops(1000).plannedSteps(() -> 300));
        assertEquals(1, new Budget.Flops(1000).plannedSteps(() -> 5000));
        assertEquals((long) (0.5 * 3600 * TrainingFlops.ASSUMED_PER_SECOND / 7e9),
                new Budget.Hours(0.5).plannedSteps(() -> 7e9));
        assertEquals(1, new Budget.Hours(1e-9).plannedSteps(() -> 1e12));
    }

    @Test
    void theBudgetBuysWholeStepsAndIsSaidAsGiven() {
        assertEquals(333, new Budget.Flops(1e6).stepsBought(3000), 0);
        assertEquals(10, new Budget.Steps(10).stepsBought(3000), 0);
        assertEquals(Math.floor(0.5 * 3600 * TrainingFlops.ASSUMED_PER_SECOND / 7e9),
                new Budget.Hours(0.5).stepsBought(7e9), 0);
        assertEquals("10 steps", new Budget.Steps(10).describe());
        assertEquals("1.00e+06 FLOPs", new Budget.Flops(1e6).describe());
        assertEquals("0.5 h (at an assumed 20 GFLOP/s)", new Budget.Hours(0.5).describe());
    }

    @Test
    void progressAndTheShareSpentAreInTheBudgetsOwnUnit() {
        assertEquals("1.00e+03/2.00e+03 FLOPs", new Budget.Flops(2000).progress(1000, 5));
        assertEquals("30/3600 s", new Budget.Hours(1).progress(1000, 30));
        assertEquals("1.00e+03 FLOPs", new Budget.Steps(10).progress(1000, 30));
        assertEquals("10", new Budget.Steps(10).stepsShown(99));
        assertEquals("~99", new Budget.Flops(1).stepsShown(99));
        assertEquals(0.5, new Budget.Flops(2000).spentFraction(1000, 5, 3));
        assertEquals(0.3, new Budget.Steps(10).spentFraction(1000, 5, 3), 1e-12);
        assertEquals(0.25, new Budget.Hours(1).spentFraction(0, 900, 3));
        assertEquals(2000.0, new Budget.Flops(2000).flopsLimit());
        assertNull(new Budget.Steps(10).flopsLimit());
    }
}
