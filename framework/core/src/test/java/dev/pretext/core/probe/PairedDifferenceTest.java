package dev.pretext.core.probe;

import dev.pretext.api.probe.ProbeResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Student's t and the paired rule, against published values (t tables; scipy.stats 1.17 for the p-values). */
class PairedDifferenceTest {
    @Test
    void tQuantilesMatchTheTables() {
        assertEquals(12.706, StudentT.quantile(0.975, 1), 5e-4);
        assertEquals(4.303, StudentT.quantile(0.975, 2), 5e-4);
        assertEquals(2.776, StudentT.quantile(0.975, 4), 5e-4);
        assertEquals(2.228, StudentT.quantile(0.975, 10), 5e-4);
        assertEquals(2.042, StudentT.quantile(0.975, 30), 5e-4);
        assertEquals(4.032, StudentT.quantile(0.995, 5), 5e-4);
        assertEquals(2.353, StudentT.quantile(0.95, 3), 5e-4);
        assertEquals(-2.776, StudentT.quantile(0.025, 4), 5e-4, "symmetric");
        assertEquals(4.302652729749462, StudentT.quantile(0.975, 2), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(1.0, 3));
    }

    @Test
    void twoSidedPValues() {
        assertEquals(0.18350341907227397, StudentT.twoSidedP(2.0, 2), 1e-12);
        assertEquals(0.18350341907227397, StudentT.twoSidedP(-2.0, 2), 1e-12);
        assertEquals(0.04099221858575289, StudentT.twoSidedP(2.5, 7), 1e-12);
        assertEquals(0.20318436313658766, StudentT.twoSidedP(1.3, 31), 1e-12);
        assertEquals(1.0, StudentT.twoSidedP(0, 5), 0.0);
        assertEquals(0.05, StudentT.twoSidedP(StudentT.quantile(0.975, 6), 6), 1e-12);
    }

    @Test
    void aConsistentGainOverThreeSeedsIsReal() {
        // scipy.stats.ttest_rel([0.50, 0.55, 0.60], [0.40, 0.42, 0.48]): t = 13.2288, p = 0.0056658
        PairedDifference d = PairedDifference.of("speakers", "pretrained", "features", "accuracy",
                List.of(1L, 2L, 3L), new double[] {0.50, 0.55, 0.60}, new double[] {0.40, 0.42, 0.48}, true);
        assertArrayEquals(new double[] {0.10, 0.13, 0.12}, d.differences(), 1e-12);
        assertEquals(0.11666666666666668, d.mean(), 1e-12);
        assertEquals(0.008819171036881991, d.standardError(), 1e-12);
        assertEquals(0.00566576797751182, d.p(), 1e-10);
        assertEquals(d.mean() - 4.302652729749462 * d.standardError(), d.low(), 1e-9);
        assertTrue(d.low() > 0, "the interval excludes 0");
        assertEquals(PairedDifference.Verdict.A_BETTER, d.verdict());
        assertTrue(d.real());
        assertEquals("real: pretrained better", d.describe());
        assertTrue(d.summary().startsWith("+0.117 (95% CI +0.079 to +0.155, p = 0.006)"), d.summary());
    }

    @Test
    void lowerIsBetterIsOrientedSoThatPositiveMeansABetter() {
        PairedDifference d = PairedDifference.of("phonemes", "pretrained", "features", "per", List.of(1L, 2L, 3L),
                new double[] {0.40, 0.41, 0.39}, new double[] {0.60, 0.63, 0.58}, false);
        assertEquals(0.20333333333333337, d.mean(), 1e-12);
        assertEquals(PairedDifference.Verdict.A_BETTER, d.verdict());
        PairedDifference worse = PairedDifference.of("phonemes", "pretrained", "features", "per",
                List.of(1L, 2L, 3L), new double[] {0.60, 0.63, 0.58}, new double[] {0.40, 0.41, 0.39}, false);
        assertEquals(PairedDifference.Verdict.B_BETTER, worse.verdict());
        assertEquals("real: features better", worse.describe());
    }

    @Test
    void twoSeedsCannotTellHoweverLargeTheGap() {
        PairedDifference d = PairedDifference.of("phonemes", "pretrained", "random", "per", List.of(1L, 2L),
                new double[] {0.30, 0.31}, new double[] {0.90, 0.92}, false);
        assertTrue(d.p() < 0.05, "the test alone would call it: p = " + d.p());
        assertEquals(PairedDifference.Verdict.CANNOT_TELL, d.verdict());
        assertFalse(d.real());
        assertEquals("cannot tell (2 seeds; the rule needs 3)", d.describe());
        PairedDifference one = PairedDifference.of("phonemes", "pretrained", "random", "per", List.of(7L),
                new double[] {0.30}, new double[] {0.90}, false);
        assertEquals(PairedDifference.Verdict.CANNOT_TELL, one.verdict());
        assertTrue(Double.isNaN(one.p()));
        assertEquals("+0.600 (one seed: no spread)", one.summary());
    }

    @Test
    void aGainWithinTheSpreadIsNotShown() {
        // scipy.stats.ttest_rel([0.40, 0.41, 0.39, 0.45], [0.44, 0.40, 0.47, 0.43]): p = 0.40418
        PairedDifference d = PairedDifference.of("phonemes", "pretrained", "features", "per",
                List.of(1L, 2L, 3L, 4L), new double[] {0.40, 0.41, 0.39, 0.45}, new double[] {0.44, 0.40, 0.47, 0.43},
                false);
        assertEquals(0.0225, d.mean(), 1e-12);
        assertEquals(0.40418253827636536, d.p(), 1e-10);
        assertEquals(PairedDifference.Verdict.NOT_SHOWN, d.verdict());
        assertEquals("no real difference shown", d.describe());
    }

    @Test
    void identicalDifferencesHaveNoSpread() {
        PairedDifference same = PairedDifference.of("speakers", "a", "b", "accuracy", List.of(1L, 2L, 3L),
                new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5}, true);
        assertEquals(1.0, same.p(), 0.0);
        assertEquals(PairedDifference.Verdict.NOT_SHOWN, same.verdict());
        PairedDifference shifted = PairedDifference.of("speakers", "a", "b", "accuracy", List.of(1L, 2L, 3L),
                new double[] {0.75, 0.5, 0.25}, new double[] {0.5, 0.25, 0.0}, true);
        assertEquals(PairedDifference.Verdict.A_BETTER, shifted.verdict());
    }

    @Test
    void theTableComparesCellsPairedBySeed() {
        ProbeTable table = new ProbeTable();
        double[] pretrained = {0.50, 0.55, 0.60};
        double[] features = {0.40, 0.42, 0.48};
        // Seeds put in different orders: pairing goes by seed, not by position.
        for (int i = 0; i < 3; i++) {
            table.put("pretrained", "speakers", i + 1, result(pretrained[i]), 1);
        }
        for (int i = 2; i >= 0; i--) {
            table.put("features", "speakers", i + 1, result(features[i]), 1);
        }
        PairedDifference d = table.compare("pretrained", "features", "speakers");
        assertEquals(0.00566576797751182, d.p(), 1e-10);
        assertEquals(List.of(1L, 2L, 3L), d.seeds());
        assertNull(table.compare("pretrained", "random", "speakers"));
        assertThrows(IllegalArgumentException.class, () -> table.put("features", "speakers", 2, result(0.1), 1),
                "one result per seed");
        assertEquals("0.550 ± 0.050", table.get("pretrained", "speakers").formatted());
    }

    private static ProbeResult result(double accuracy) {
        return new ProbeResult("accuracy", accuracy, true, new double[] {1}, Map.of());
    }
}
