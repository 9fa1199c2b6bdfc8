package dev.pretext.study;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One run's value of the analysed metric: its mean and spread over probe seeds, the per-seed values (paired
 * across runs by seed), and the metric's direction.
 *
 * @param seeds   the probe seed of each value; null when the run did not say (values are then paired by position)
 * @param ideal   the perfect value (100 for the score, 1 for a higher-is-better probe metric, 0 otherwise)
 */
public record Measure(double mean, double std, double[] values, long[] seeds, boolean higherIsBetter, double ideal) {

    /** The values two runs have on common seeds, as two aligned arrays (index i is one seed in both). */
    public static double[][] paired(Measure a, Measure b) {
        if (a.seeds == null || b.seeds == null) {
            // Without seeds, only equal-length lists can be trusted to be in the same seed order.
            return a.values.length == b.values.length && (a.seeds == null && b.seeds == null)
                    ? new double[][]{a.values.clone(), b.values.clone()} : new double[][]{new double[0], new double[0]};
        }
        List<double[]> pairs = new ArrayList<>();
        for (int i = 0; i < a.seeds.length; i++) {
            for (int j = 0; j < b.seeds.length; j++) {
                if (a.seeds[i] == b.seeds[j]) {
                    pairs.add(new double[]{a.values[i], b.values[j]});
                    break;
                }
            }
        }
        double[] va = new double[pairs.size()];
        double[] vb = new double[pairs.size()];
        for (int i = 0; i < va.length; i++) {
            va[i] = pairs.get(i)[0];
            vb[i] = pairs.get(i)[1];
        }
        return new double[][]{va, vb};
    }

    /** The value on a given seed, NaN when the run has none for it. */
    public double onSeed(long seed) {
        if (seeds == null) {
            return Double.NaN;
        }
        for (int i = 0; i < seeds.length; i++) {
            if (seeds[i] == seed) {
                return values[i];
            }
        }
        return Double.NaN;
    }

    /** Distance to perfect, positive and lower-is-better: what the parametric law L(N, D) is fitted to. */
    public double error(double v) {
        return higherIsBetter ? ideal - v : v - ideal;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Measure m && m.mean == mean && m.std == std && Arrays.equals(m.values, values)
                && Arrays.equals(m.seeds, seeds) && m.higherIsBetter == higherIsBetter && m.ideal == ideal;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(mean) * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Measure[mean=" + mean + ", std=" + std + ", values=" + Arrays.toString(values) + "]";
    }
}
