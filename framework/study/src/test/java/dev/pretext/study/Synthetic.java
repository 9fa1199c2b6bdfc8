package dev.pretext.study;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Synthetic sweeps from known laws plus seeded noise. */
final class Synthetic {
    private Synthetic() {
    }

    static Measure measure(double[] values, boolean higherIsBetter) {
        long[] seeds = new long[values.length];
        for (int i = 0; i < seeds.length; i++) {
            seeds[i] = i + 1L;
        }
        return new Measure(Stats.mean(values), Stats.std(values), values, seeds, higherIsBetter,
                higherIsBetter ? 100 : 0);
    }

    /**
     * A profile of sizes 10^x for the given x, metric = top − curvature·(x − xStar)² (higher is better), each
     * size with {@code seeds} values of Gaussian noise of sd {@code noise}.
     */
    static List<IsoFlop.Point> profile(double[] xs, double xStar, double top, double curvature, int seeds,
                                       double noise, Random rng) {
        List<IsoFlop.Point> pts = new ArrayList<>();
        for (double x : xs) {
            double truth = top - curvature * (x - xStar) * (x - xStar);
            double[] v = new double[seeds];
            for (int s = 0; s < seeds; s++) {
                v[s] = truth + noise * rng.nextGaussian();
            }
            pts.add(new IsoFlop.Point("x" + x, Math.pow(10, x), measure(v, true), Double.NaN));
        }
        return pts;
    }

    static double[] grid(double centre, double halfWidth, int n) {
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = centre - halfWidth + 2 * halfWidth * i / (n - 1);
        }
        return xs;
    }
}
