package dev.pretext.study;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** IsoFLOP profiles recover a known optimum, and their bootstrap intervals cover it. */
class IsoFlopTest {
    @Test
    void recoversTheOptimumOfAKnownParabola() {
        Random rng = new Random(7);
        List<IsoFlop.Point> pts = Synthetic.profile(Synthetic.grid(6.8, 0.8, 5), 6.9, 40, 8, 3, 0.3, rng);
        IsoFlop.Profile p = IsoFlop.fit(1e14, pts, true, 1000, 1);
        assertTrue(p.interior(), p.note());
        assertEquals(6.9, p.xStar(), 0.08);
        assertEquals(IsoFlop.Uncertainty.SEEDS, p.uncertainty());
        // Whether one 90% interval holds the truth is a coin weighted 9:1; the coverage test below checks the odds.
        assertTrue(p.xLo() < p.xStar() && p.xStar() < p.xHi(), "5–95% interval " + p.xLo() + ".." + p.xHi());
        assertTrue(p.xHi() - p.xLo() < 0.2, "a tight profile gives a tight interval");
        for (int g = 0; g < p.bandX().length; g++) {
            assertTrue(p.bandLo()[g] <= p.fit().at(p.bandX()[g]) + 1e-9 && p.fit().at(p.bandX()[g]) <= p.bandHi()[g] + 1e-9);
        }
    }

    @Test
    void theIntervalCoversTheTruthAboutAsOftenAsItSays() {
        // 90% intervals over 200 independent synthetic sweeps: coverage near 0.9 (three seeds make the bootstrap
        // a little optimistic, hence the margin).
        Random rng = new Random(11);
        int covered = 0;
        int trials = 200;
        for (int t = 0; t < trials; t++) {
            List<IsoFlop.Point> pts = Synthetic.profile(Synthetic.grid(7, 0.9, 5), 7.1, 40, 6, 3, 0.6, rng);
            IsoFlop.Profile p = IsoFlop.fit(1e14, pts, true, 400, t);
            if (p.xLo() <= 7.1 && 7.1 <= p.xHi()) {
                covered++;
            }
        }
        double coverage = covered / (double) trials;
        assertTrue(coverage > 0.78 && coverage < 0.98, "coverage " + coverage);
    }

    @Test
    void lowerIsBetterWantsAMinimum() {
        Random rng = new Random(3);
        List<IsoFlop.Point> up = Synthetic.profile(Synthetic.grid(7, 0.8, 5), 7.2, 40, 8, 3, 0.2, rng);
        // The same shape negated: a valley, good for an error rate.
        List<IsoFlop.Point> valley = up.stream().map(p -> new IsoFlop.Point(p.run(), p.size(),
                new Measure(-p.measure().mean(), p.measure().std(), negate(p.measure().values()), p.measure().seeds(),
                        false, 0), Double.NaN)).toList();
        IsoFlop.Profile p = IsoFlop.fit(1e13, valley, false, 200, 1);
        assertTrue(p.interior());
        assertEquals(7.2, p.xStar(), 0.1);
        IsoFlop.Profile wrongWay = IsoFlop.fit(1e13, valley, true, 200, 1);
        assertFalse(wrongWay.interior(), "a valley has no maximum");
        assertTrue(wrongWay.note().contains("no interior optimum"), wrongWay.note());
    }

    @Test
    void anOptimumBeyondTheGridIsNotInterior() {
        Random rng = new Random(5);
        List<IsoFlop.Point> pts = Synthetic.profile(Synthetic.grid(6.5, 0.5, 4), 7.5, 40, 3, 3, 0.05, rng);
        IsoFlop.Profile p = IsoFlop.fit(1e13, pts, true, 200, 1);
        assertFalse(p.interior());
        assertTrue(Double.isNaN(p.xStar()));
        assertTrue(p.note().contains("largest"), p.note());
        assertTrue(p.outside() > 150, "most resamples also put it outside: " + p.outside());
    }

    @Test
    void oneValuePerSizeResamplesResidualsAndThreeSizesGiveNoInterval() {
        Random rng = new Random(9);
        List<IsoFlop.Point> five = Synthetic.profile(Synthetic.grid(7, 0.8, 5), 7, 40, 8, 1, 0.2, rng);
        IsoFlop.Profile p = IsoFlop.fit(1e13, five, true, 300, 1);
        assertEquals(IsoFlop.Uncertainty.RESIDUALS, p.uncertainty());
        assertNotNull(p.samples());
        IsoFlop.Profile three = IsoFlop.fit(1e13, five.subList(1, 4), true, 300, 1);
        assertEquals(IsoFlop.Uncertainty.NONE, three.uncertainty());
        assertNull(three.samples());
        assertTrue(three.note().contains("no interval"), three.note());
        IsoFlop.Profile two = IsoFlop.fit(1e13, five.subList(0, 2), true, 300, 1);
        assertNull(two.fit());
        assertTrue(two.note().contains("at least 3"), two.note());
    }

    @Test
    void theSameSeedGivesTheSameInterval() {
        List<IsoFlop.Point> pts = Synthetic.profile(Synthetic.grid(7, 0.8, 5), 7, 40, 8, 3, 0.5, new Random(1));
        IsoFlop.Profile a = IsoFlop.fit(1e13, pts, true, 500, 42);
        IsoFlop.Profile b = IsoFlop.fit(1e13, pts, true, 500, 42);
        assertEquals(a.xLo(), b.xLo());
        assertEquals(a.xHi(), b.xHi());
    }

    private static double[] negate(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = -v[i];
        }
        return r;
    }
}
