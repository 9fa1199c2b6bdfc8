package dev.pretext.study;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The parametric law L(N, D) = E + A / N^α + B / D^β (N parameters, D hours of audio seen), fitted as Hoffmann
 * et al. (2022) do: minimise Σ Huber_δ(log L̂ − log L) with δ = 10⁻³ over (log E, log A, log B, α, β), where
 * log L̂ = LSE(log A − α log N, log B − β log D, log E), by Nelder–Mead from the best few points of an (α, β)
 * grid (each with its best non-negative E, A, B by linear least squares). N and D are divided by their
 * geometric means inside the fit so that one start grid suits any units; A and B are reported in the original
 * units. L is a lower-is-better quantity: a higher-is-better metric is fitted on its distance to perfect
 * ({@link Measure#error}).
 *
 * <p>Compute-optimal allocation under C ≈ κ · N · D (κ: FLOPs per parameter per hour of audio, the median of
 * the runs' FLOPs / (N · hours seen)): N*(C) = G · (C/κ)^(β/(α+β)) with G = (αA / (βB))^(1/(α+β)), and
 * D*(C) = (C/κ) / N*.
 */
public final class Parametric {
    public static final double HUBER_DELTA = 1e-3;
    public static final int MIN_RUNS = 8;
    public static final int MIN_DISTINCT = 3;
    /** Starting points refined by Nelder–Mead. */
    static final int STARTS = 6;
    /** Bootstrap resamples of the law at most: each is a nonlinear refit. */
    public static final int MAX_RESAMPLES = 200;

    /** A run's point: parameters, hours seen, the (lower-is-better) value. */
    public record Point(double n, double d, double loss) {
    }

    /** Fitted parameters in original units. */
    public record Law(double e, double a, double alpha, double b, double beta) {
        public double at(double n, double d) {
            return e + a / Math.pow(n, alpha) + b / Math.pow(d, beta);
        }

        /** Compute-optimal {N, D} at compute c, FLOPs per parameter-hour kappa; NaNs when an exponent is ≤ 0. */
        public double[] optimum(double c, double kappa) {
            if (!(alpha > 0 && beta > 0)) {
                return new double[]{Double.NaN, Double.NaN};
            }
            double budget = c / kappa;
            // In logs: the coefficients can be 1e30 while their ratio is modest.
            double logG = (Math.log(alpha) + Math.log(a) - Math.log(beta) - Math.log(b)) / (alpha + beta);
            double n = Math.exp(logG + beta / (alpha + beta) * Math.log(budget));
            return new double[]{n, budget / n};
        }
    }

    /**
     * @param law        the fit
     * @param kappa      FLOPs per parameter per hour of audio seen
     * @param objective  the Huber objective at the fit
     * @param samples    the laws refitted on resampled runs (null when not bootstrapped)
     */
    public record Fit(Law law, double kappa, int runs, double objective, List<Law> samples) {
        /** 5–95% interval of a quantity of the law across the bootstrap; null without samples. */
        public double[] interval(java.util.function.ToDoubleFunction<Law> q) {
            if (samples == null) {
                return null;
            }
            double[] v = samples.stream().mapToDouble(q).filter(Double::isFinite).toArray();
            if (v.length < samples.size() / 2) {
                return null;
            }
            return new double[]{Stats.percentile(v, 0.05), Stats.percentile(v, 0.95)};
        }
    }

    private Parametric() {
    }

    /** Why the law cannot be fitted to these points, or null when it can. */
    public static String whyNot(List<Point> points) {
        int n = distinct(points.stream().mapToDouble(Point::n).toArray());
        int d = distinct(points.stream().mapToDouble(Point::d).toArray());
        if (points.size() < MIN_RUNS || n < MIN_DISTINCT || d < MIN_DISTINCT) {
            return points.size() + " finished runs with " + n + " distinct sizes and " + d + " distinct amounts of "
                    + "data; the law's five parameters need at least " + MIN_RUNS + " runs with " + MIN_DISTINCT
                    + " distinct sizes and " + MIN_DISTINCT + " distinct amounts of data";
        }
        for (Point p : points) {
            if (!(p.loss() > 0 && p.n() > 0 && p.d() > 0)) {
                return "a run has a non-positive value, size or amount of data (" + Format.number(p.loss()) + " at N = "
                        + Format.number(p.n()) + ", D = " + Format.number(p.d()) + "); the law is fitted in logs";
            }
        }
        return null;
    }

    /** Values differing by less than 1% count as one. */
    static int distinct(double[] v) {
        TreeSet<Long> keys = new TreeSet<>();
        for (double x : v) {
            keys.add(Math.round(Math.log(x) / Math.log(1.01)));
        }
        return keys.size();
    }

    /**
     * Fits the law (multi-start Nelder–Mead), then refits it on {@code resamples} bootstrap resamples of the runs
     * (0 for none, at most {@link #MAX_RESAMPLES}), each started from the fit.
     */
    public static Fit fit(List<Point> points, double kappa, int resamples, long seed) {
        String why = whyNot(points);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        int m = points.size();
        double n0 = geometricMean(points.stream().mapToDouble(Point::n).toArray());
        double d0 = geometricMean(points.stream().mapToDouble(Point::d).toArray());
        double[] logN = new double[m];
        double[] logD = new double[m];
        double[] logL = new double[m];
        double lMin = Double.POSITIVE_INFINITY;
        double lMed;
        double[] ls = new double[m];
        for (int i = 0; i < m; i++) {
            Point p = points.get(i);
            logN[i] = Math.log(p.n() / n0);
            logD[i] = Math.log(p.d() / d0);
            logL[i] = Math.log(p.loss());
            ls[i] = p.loss();
            lMin = Math.min(lMin, p.loss());
        }
        lMed = Stats.percentile(ls, 0.5);
        int[] all = new int[m];
        for (int i = 0; i < m; i++) {
            all[i] = i;
        }
        // Starts: for fixed exponents the law is linear in (E, A', B'), so a grid over (α, β) with the best
        // non-negative coefficients at each point (relative least squares) ranks starting points cheaply; the best
        // few are then refined on the real objective.
        double[] grid = {0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0};
        List<double[]> starts = new ArrayList<>();
        for (double al : grid) {
            for (double be : grid) {
                double[] coef = nonNegative(logN, logD, ls, al, be);
                if (coef != null) {
                    double floor = 1e-4 * lMed;
                    starts.add(new double[]{coef[3], Math.log(Math.max(coef[0], floor)), Math.log(Math.max(coef[1],
                            floor)), Math.log(Math.max(coef[2], floor)), al, be});
                }
            }
        }
        starts.sort((p, q) -> Double.compare(p[0], q[0]));
        double[] best = null;
        double bestValue = Double.POSITIVE_INFINITY;
        for (double[] s : starts.subList(0, Math.min(STARTS, starts.size()))) {
            NelderMead.Result r = NelderMead.minimise(t -> objective(t, logN, logD, logL, all),
                    java.util.Arrays.copyOfRange(s, 1, 6), 0.5, 1e-10, 4000);
            if (r.value() < bestValue) {
                bestValue = r.value();
                best = r.x();
            }
        }
        if (best == null) {
            // No grid point fitted (cannot happen with positive values); start from the typical value.
            best = new double[]{Math.log(lMin / 2), Math.log(lMed / 4), Math.log(lMed / 4), 0.5, 0.5};
        }
        // Polish: a fresh simplex around the best point escapes a collapsed one.
        NelderMead.Result polished = NelderMead.minimise(t -> objective(t, logN, logD, logL, all), best, 0.1, 1e-12,
                5000);
        if (polished.value() <= bestValue) {
            best = polished.x();
            bestValue = polished.value();
        }
        List<Law> samples = null;
        resamples = Math.min(resamples, MAX_RESAMPLES);
        if (resamples > 0) {
            samples = new ArrayList<>(resamples);
            SplittableRandom rng = new SplittableRandom(seed);
            int[] idx = new int[m];
            for (int b = 0; b < resamples; b++) {
                for (int i = 0; i < m; i++) {
                    idx[i] = rng.nextInt(m);
                }
                final int[] chosen = idx.clone();
                NelderMead.Result r = NelderMead.minimise(t -> objective(t, logN, logD, logL, chosen), best, 0.2,
                        1e-8, 2000);
                samples.add(law(r.x(), n0, d0));
            }
        }
        return new Fit(law(best, n0, d0), kappa, m, bestValue, samples);
    }

    /** θ = (log E, log A', log B', α, β) in scaled units to the law in original units: A = A' · n0^α. */
    private static Law law(double[] t, double n0, double d0) {
        return new Law(Math.exp(t[0]), Math.exp(t[1] + t[3] * Math.log(n0)), t[3], Math.exp(t[2] + t[4] * Math.log(d0)),
                t[4]);
    }

    static double objective(double[] t, double[] logN, double[] logD, double[] logL, int[] rows) {
        double sum = 0;
        for (int i : rows) {
            double u = t[1] - t[3] * logN[i];
            double v = t[2] - t[4] * logD[i];
            double w = t[0];
            double max = Math.max(u, Math.max(v, w));
            double lse = max + Math.log(Math.exp(u - max) + Math.exp(v - max) + Math.exp(w - max));
            double r = Math.abs(lse - logL[i]);
            sum += r <= HUBER_DELTA ? 0.5 * r * r : HUBER_DELTA * (r - 0.5 * HUBER_DELTA);
        }
        return sum;
    }

    /**
     * The best non-negative (E, A', B') for fixed exponents, minimising Σ ((fit − L) / L)², and that sum:
     * {E, A', B', sum}; the active set is found by trying every subset of the three columns. Null if none fits.
     */
    static double[] nonNegative(double[] logN, double[] logD, double[] l, double alpha, double beta) {
        int m = l.length;
        double[][] cols = new double[3][m];
        for (int i = 0; i < m; i++) {
            cols[0][i] = 1 / l[i];
            cols[1][i] = Math.exp(-alpha * logN[i]) / l[i];
            cols[2][i] = Math.exp(-beta * logD[i]) / l[i];
        }
        double[] best = null;
        for (int mask = 1; mask < 8; mask++) {
            int k = Integer.bitCount(mask);
            int[] use = new int[k];
            for (int c = 0, j = 0; c < 3; c++) {
                if ((mask & (1 << c)) != 0) {
                    use[j++] = c;
                }
            }
            double[][] a = new double[k][k + 1];
            for (int r = 0; r < k; r++) {
                for (int c = 0; c < k; c++) {
                    for (int i = 0; i < m; i++) {
                        a[r][c] += cols[use[r]][i] * cols[use[c]][i];
                    }
                }
                for (int i = 0; i < m; i++) {
                    a[r][k] += cols[use[r]][i];   // the target is L / L = 1
                }
            }
            double[] x = Stats.solve(a);
            if (x == null) {
                continue;
            }
            double[] coef = new double[3];
            boolean ok = true;
            for (int j = 0; j < k; j++) {
                ok &= x[j] >= 0;
                coef[use[j]] = x[j];
            }
            if (!ok) {
                continue;
            }
            double ss = 0;
            for (int i = 0; i < m; i++) {
                double r = coef[0] * cols[0][i] + coef[1] * cols[1][i] + coef[2] * cols[2][i] - 1;
                ss += r * r;
            }
            if (best == null || ss < best[3]) {
                best = new double[]{coef[0], coef[1], coef[2], ss};
            }
        }
        return best;
    }

    static double geometricMean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += Math.log(x);
        }
        return Math.exp(s / v.length);
    }

    /** The median of FLOPs / (N · D) over runs that report all three; NaN when none does. */
    public static double kappa(double[] flops, double[] n, double[] d) {
        List<Double> k = new ArrayList<>();
        for (int i = 0; i < flops.length; i++) {
            if (flops[i] > 0 && n[i] > 0 && d[i] > 0) {
                k.add(flops[i] / (n[i] * d[i]));
            }
        }
        return k.isEmpty() ? Double.NaN : Stats.percentile(k.stream().mapToDouble(Double::doubleValue).toArray(), 0.5);
    }
}
