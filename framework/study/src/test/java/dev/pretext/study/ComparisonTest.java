package dev.pretext.study;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The comparison rule: paired over seeds, real only with three seeds and p < 0.05. */
class ComparisonTest {
    @Test
    void aConsistentDifferenceOnThreeSeedsIsReal() {
        // d = 1.0, 1.2, 0.8: mean 1, sd 0.2, se 0.1155, t = 8.66 on 2 df, p ≈ 0.013.
        Comparison c = Comparison.paired("a", new double[]{36, 35.2, 34.8}, "b", new double[]{35, 34, 34}, true);
        assertEquals(3, c.n());
        assertEquals(1.0, c.mean(), 1e-12);
        assertEquals(0.2 / Math.sqrt(3), c.se(), 1e-12);
        assertEquals(8.660, c.t(), 1e-3);
        assertEquals(0.01307, c.p(), 1e-4);
        assertEquals(4.303 * 0.2 / Math.sqrt(3), c.halfWidth(), 1e-3);
        assertEquals(Comparison.Verdict.REAL, c.verdict());
        assertEquals("a", c.winner());
    }

    @Test
    void lowerIsBetterFlipsTheSign() {
        Comparison c = Comparison.paired("a", new double[]{0.40, 0.42, 0.41}, "b", new double[]{0.45, 0.46, 0.47},
                false);
        assertTrue(c.mean() > 0, "a has the lower error rate, so it is better");
        assertEquals("a", c.winner());
    }

    @Test
    void noisyDifferencesAreNotSeparated() {
        Comparison c = Comparison.paired("a", new double[]{36, 33, 35.5}, "b", new double[]{35, 34, 34}, true);
        assertEquals(Comparison.Verdict.NOT_SEPARATED, c.verdict());
        assertTrue(c.p() > 0.05);
        assertNull(c.winner());
    }

    @Test
    void twoSeedsCannotTellEvenWhenConsistent() {
        Comparison c = Comparison.paired("a", new double[]{40, 41}, "b", new double[]{30, 31.1}, true);
        assertEquals(Comparison.Verdict.CANNOT_TELL, c.verdict());
        assertEquals(2, c.n());
        Comparison one = Comparison.paired("a", new double[]{40}, "b", new double[]{30}, true);
        assertEquals(Comparison.Verdict.CANNOT_TELL, one.verdict());
        assertTrue(Double.isNaN(one.p()));
    }

    @Test
    void identicalDifferencesOnEverySeedAreReal() {
        Comparison c = Comparison.paired("a", new double[]{2, 3, 4}, "b", new double[]{1, 2, 3}, true);
        assertEquals(0, c.p());
        assertEquals(Comparison.Verdict.REAL, c.verdict());
        Comparison same = Comparison.paired("a", new double[]{2, 3, 4}, "b", new double[]{2, 3, 4}, true);
        assertEquals(Comparison.Verdict.NOT_SEPARATED, same.verdict());
    }
}
