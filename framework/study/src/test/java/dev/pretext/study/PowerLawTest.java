package dev.pretext.study;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The optimal size against compute, from profiles at several budgets of a known law N* = k · C^a. */
class PowerLawTest {
    static final double A = 0.52;
    static final double LOG_K = -0.4;   // N* = 10^-0.4 · C^0.52: 1e13 → 2.3M, 1e15 → 25M

    static double truth(double c) {
        return LOG_K + A * Math.log10(c);
    }

    static PowerLaw fitted(double[] budgets, Random rng, int resamples) {
        List<IsoFlop.Profile> profiles = new ArrayList<>();
        for (int j = 0; j < budgets.length; j++) {
            double xStar = truth(budgets[j]);
            // Grids centred off the optimum, as a real sweep's would be.
            profiles.add(IsoFlop.fit(budgets[j], Synthetic.profile(Synthetic.grid(xStar + 0.15, 0.9, 5), xStar, 40, 6,
                    3, 0.3, rng), true, resamples, j));
        }
        double[] optima = profiles.stream().mapToDouble(IsoFlop.Profile::xStar).toArray();
        return PowerLaw.fit("parameters", budgets, optima, profiles.stream().map(IsoFlop.Profile::samples).toList());
    }

    @Test
    void recoversTheExponentAndItsIntervalCoversIt() {
        PowerLaw law = fitted(new double[]{1e13, 3e13, 1e14, 3e14, 1e15}, new Random(21), 1000);
        assertEquals(A, law.exponent(), 0.05);
        double[] ai = law.exponentInterval();
        assertNotNull(ai, law.noInterval());
        assertTrue(ai[0] < A && A < ai[1], "exponent interval " + ai[0] + ".." + ai[1]);
        double c = 1e16;   // beyond the sweep
        double[] ni = law.interval(c);
        double n = Math.pow(10, truth(c));
        assertTrue(ni[0] < n && n < ni[1], "N* interval " + ni[0] + ".." + ni[1] + " vs " + n);
        assertEquals(Math.log10(n), Math.log10(law.predict(c)), 0.15);
    }

    @Test
    void twoBudgetsGiveALineButNoInterval() {
        PowerLaw law = fitted(new double[]{1e13, 1e15}, new Random(2), 200);
        assertEquals(2, law.points());
        assertNull(law.exponentInterval());
        assertNull(law.interval(1e16));
        assertTrue(law.noInterval().contains("third budget"), law.noInterval());
        assertEquals(A, law.exponent(), 0.1);
    }

    @Test
    void oneBudgetIsNoLaw() {
        assertNull(PowerLaw.fit("parameters", new double[]{1e13}, new double[]{6.5}, java.util.Collections.singletonList(
                (double[]) null)));
    }
}
