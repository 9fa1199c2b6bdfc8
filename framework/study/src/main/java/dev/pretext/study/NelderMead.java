package dev.pretext.study;

import java.util.Arrays;
import java.util.function.ToDoubleFunction;

/** The Nelder–Mead simplex minimiser (reflection 1, expansion 2, contraction ½, shrink ½): no gradients needed. */
final class NelderMead {
    private NelderMead() {
    }

    record Result(double[] x, double value, int evaluations) {
    }

    /**
     * Minimises f from {@code start}, with an initial simplex of {@code step} along each axis, until the values
     * at the simplex's vertices agree to {@code tolerance} or {@code maxEvaluations} is reached.
     */
    static Result minimise(ToDoubleFunction<double[]> f, double[] start, double step, double tolerance,
                           int maxEvaluations) {
        int n = start.length;
        double[][] simplex = new double[n + 1][];
        double[] values = new double[n + 1];
        simplex[0] = start.clone();
        for (int i = 0; i < n; i++) {
            double[] v = start.clone();
            v[i] += step;
            simplex[i + 1] = v;
        }
        int evals = 0;
        for (int i = 0; i <= n; i++) {
            values[i] = safe(f.applyAsDouble(simplex[i]));
            evals++;
        }
        Integer[] order = new Integer[n + 1];
        while (evals < maxEvaluations) {
            for (int i = 0; i <= n; i++) {
                order[i] = i;
            }
            final double[] vals = values;
            Arrays.sort(order, (p, q) -> Double.compare(vals[p], vals[q]));
            double[][] s2 = new double[n + 1][];
            double[] v2 = new double[n + 1];
            for (int i = 0; i <= n; i++) {
                s2[i] = simplex[order[i]];
                v2[i] = values[order[i]];
            }
            simplex = s2;
            values = v2;
            if (Math.abs(values[n] - values[0]) <= tolerance * (Math.abs(values[0]) + 1e-30) + 1e-300) {
                double spread = 0;
                for (int i = 1; i <= n; i++) {
                    for (int d = 0; d < n; d++) {
                        spread = Math.max(spread, Math.abs(simplex[i][d] - simplex[0][d]));
                    }
                }
                if (spread < 1e-9) {
                    break;
                }
            }
            double[] centroid = new double[n];
            for (int i = 0; i < n; i++) {
                for (int d = 0; d < n; d++) {
                    centroid[d] += simplex[i][d] / n;
                }
            }
            double[] reflected = towards(centroid, simplex[n], -1);
            double fr = safe(f.applyAsDouble(reflected));
            evals++;
            if (fr < values[0]) {
                double[] expanded = towards(centroid, simplex[n], -2);
                double fe = safe(f.applyAsDouble(expanded));
                evals++;
                if (fe < fr) {
                    simplex[n] = expanded;
                    values[n] = fe;
                } else {
                    simplex[n] = reflected;
                    values[n] = fr;
                }
            } else if (fr < values[n - 1]) {
                simplex[n] = reflected;
                values[n] = fr;
            } else {
                // Contract towards the better of the reflected and the worst point.
                boolean outside = fr < values[n];
                double[] contracted = outside ? towards(centroid, simplex[n], -0.5) : towards(centroid, simplex[n], 0.5);
                double fc = safe(f.applyAsDouble(contracted));
                evals++;
                if (fc < (outside ? fr : values[n])) {
                    simplex[n] = contracted;
                    values[n] = fc;
                } else {
                    for (int i = 1; i <= n; i++) {
                        for (int d = 0; d < n; d++) {
                            simplex[i][d] = simplex[0][d] + 0.5 * (simplex[i][d] - simplex[0][d]);
                        }
                        values[i] = safe(f.applyAsDouble(simplex[i]));
                        evals++;
                    }
                }
            }
        }
        int best = 0;
        for (int i = 1; i <= n; i++) {
            if (values[i] < values[best]) {
                best = i;
            }
        }
        return new Result(simplex[best].clone(), values[best], evals);
    }

    /** centroid + t · (point − centroid). */
    private static double[] towards(double[] centroid, double[] point, double t) {
        double[] r = new double[centroid.length];
        for (int d = 0; d < r.length; d++) {
            r[d] = centroid[d] + t * (point[d] - centroid[d]);
        }
        return r;
    }

    private static double safe(double v) {
        return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
    }
}
