package dev.pretext.study;

import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * An IsoFLOP profile: at one compute budget, the metric against x = log10(model size), fitted with a parabola
 * y = a + b·x + c·x² by least squares on the runs' means. The optimum x* = −b / (2c) counts only when the
 * parabola bends the metric's way (a maximum for higher-is-better, a minimum for lower-is-better) and x* lies
 * within the sizes that were run; otherwise the best size is at an edge of the grid.
 *
 * <p>Uncertainty by a seeded bootstrap: each resample draws, for every size, its k per-seed values with
 * replacement and averages them, the deviation from the size's mean scaled by √(k/(k−1)) (the plain bootstrap
 * of a mean of k values has (k−1)/k of its variance: two thirds with three seeds); a size with one value keeps
 * it. With one value at every size, it adds
 * resampled residuals (inflated by √(n/(n−3))) to the fitted curve instead. A resample whose parabola bends the
 * wrong way puts the optimum at ±∞ on the side of the better edge, so the interval shows it.
 */
public final class IsoFlop {
    private IsoFlop() {
    }

    /** One run on the profile. */
    public record Point(String run, double size, Measure measure, double hoursSeen) {
        public double x() {
            return Math.log10(size);
        }
    }

    public enum Uncertainty {
        SEEDS("per-seed values resampled per size"),
        RESIDUALS("residuals of the fit resampled"),
        NONE("none");

        private final String text;

        Uncertainty(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * @param fit        null when there are fewer than three distinct sizes (see {@code note})
     * @param interior   the optimum is inside the grid with the right curvature
     * @param xStar      log10 of the optimal size when interior; NaN otherwise
     * @param samples    the bootstrap's x* (possibly ±∞), one per resample; null without uncertainty
     * @param xLo        5th percentile of x* (NaN without samples)
     * @param xHi        95th percentile of x*
     * @param outside    resamples whose optimum was not inside the grid
     * @param bandX      x values across the grid for the curve's band
     * @param bandLo     5th percentile of the fitted curve at bandX (null without samples)
     * @param bandHi     95th percentile
     * @param note       what the fit says in words
     */
    public record Profile(double budget, List<Point> points, boolean higherIsBetter, Stats.Parabola fit,
                          boolean interior, double xStar, Uncertainty uncertainty, double[] samples, double xLo,
                          double xHi, int outside, double[] bandX, double[] bandLo, double[] bandHi, String note) {
        public double xMin() {
            return points.stream().mapToDouble(Point::x).min().orElse(Double.NaN);
        }

        public double xMax() {
            return points.stream().mapToDouble(Point::x).max().orElse(Double.NaN);
        }

        public int distinctSizes() {
            return distinct(points);
        }

        /** The size (not its log) at the optimum, NaN when not interior. */
        public double optimalSize() {
            return interior ? Math.pow(10, xStar) : Double.NaN;
        }
    }

    static int distinct(List<Point> points) {
        TreeSet<Double> xs = new TreeSet<>();
        for (Point p : points) {
            xs.add(p.x());
        }
        return xs.size();
    }

    /**
     * Fits one budget's profile.
     *
     * @param resamples bootstrap resamples
     * @param seed      bootstrap seed (the caller varies it per profile so profiles draw independently)
     */
    public static Profile fit(double budget, List<Point> points, boolean higherIsBetter, int resamples, long seed) {
        List<Point> pts = List.copyOf(points);
        int n = pts.size();
        int distinct = distinct(pts);
        if (distinct < 3) {
            return new Profile(budget, pts, higherIsBetter, null, false, Double.NaN, Uncertainty.NONE, null,
                    Double.NaN, Double.NaN, 0, null, null, null, distinct + (distinct == 1 ? " size" : " sizes")
                    + " finished at this budget; a profile needs at least 3");
        }
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = pts.get(i).x();
            y[i] = pts.get(i).measure().mean();
        }
        Stats.Parabola fit = Stats.parabola(x, y);
        double xMin = Stats.percentile(x, 0);
        double xMax = Stats.percentile(x, 1);
        double vertex = fit.vertex();
        boolean rightCurve = higherIsBetter ? fit.c() < 0 : fit.c() > 0;
        boolean interior = rightCurve && vertex >= xMin && vertex <= xMax;
        String note;
        if (interior) {
            note = "optimum at " + Format.size(Math.pow(10, vertex)) + " parameters";
        } else if (rightCurve) {
            note = "no interior optimum: the parabola's " + (higherIsBetter ? "maximum" : "minimum") + " ("
                    + Format.size(Math.pow(10, vertex)) + ") lies beyond the " + (vertex > xMax ? "largest" : "smallest")
                    + " size; extend the grid " + (vertex > xMax ? "upward" : "downward");
        } else {
            boolean upper = better(fit.at(xMax), fit.at(xMin), higherIsBetter);
            note = "no interior optimum: the fit bends the wrong way and the best is at the " + (upper ? "largest"
                    : "smallest") + " size (edge of the grid); extend the grid " + (upper ? "upward" : "downward");
        }

        // Which resampling the data allow.
        boolean anySeeds = pts.stream().anyMatch(p -> p.measure().values().length >= 2);
        Uncertainty mode = anySeeds ? Uncertainty.SEEDS : n >= 4 ? Uncertainty.RESIDUALS : Uncertainty.NONE;
        if (mode == Uncertainty.NONE) {
            return new Profile(budget, pts, higherIsBetter, fit, interior, interior ? vertex : Double.NaN, mode,
                    null, Double.NaN, Double.NaN, 0, null, null, null, note + "; no interval: three sizes with one "
                            + "value each are fitted exactly (add probe seeds or sizes)");
        }
        double[] residuals = new double[n];
        double inflate = n > 3 ? Math.sqrt(n / (n - 3.0)) : 1;
        for (int i = 0; i < n; i++) {
            residuals[i] = (y[i] - fit.at(x[i])) * inflate;
        }
        int bands = 60;
        double[] bandX = new double[bands];
        for (int g = 0; g < bands; g++) {
            bandX[g] = xMin + (xMax - xMin) * g / (bands - 1);
        }
        double[][] curves = new double[bands][resamples];
        double[] samples = new double[resamples];
        int outside = 0;
        SplittableRandom rng = new SplittableRandom(seed);
        double[] yb = new double[n];
        for (int b = 0; b < resamples; b++) {
            for (int i = 0; i < n; i++) {
                if (mode == Uncertainty.SEEDS) {
                    double[] v = pts.get(i).measure().values();
                    double s = 0;
                    for (int k = 0; k < v.length; k++) {
                        s += v[rng.nextInt(v.length)];
                    }
                    double centre = Stats.mean(v);
                    yb[i] = v.length < 2 ? centre : centre + Math.sqrt(v.length / (v.length - 1.0)) * (s / v.length
                            - centre);
                } else {
                    yb[i] = fit.at(x[i]) + residuals[rng.nextInt(n)];
                }
            }
            Stats.Parabola pb = Stats.parabola(x, yb);
            boolean right = higherIsBetter ? pb.c() < 0 : pb.c() > 0;
            double v = pb.vertex();
            if (right) {
                samples[b] = v;
            } else {
                samples[b] = better(pb.at(xMax), pb.at(xMin), higherIsBetter) ? Double.POSITIVE_INFINITY
                        : Double.NEGATIVE_INFINITY;
            }
            if (!(right && v >= xMin && v <= xMax)) {
                outside++;
            }
            for (int g = 0; g < bands; g++) {
                curves[g][b] = pb.at(bandX[g]);
            }
        }
        double[] lo = new double[bands];
        double[] hi = new double[bands];
        for (int g = 0; g < bands; g++) {
            lo[g] = Stats.percentile(curves[g], 0.05);
            hi[g] = Stats.percentile(curves[g], 0.95);
        }
        if (pts.stream().anyMatch(p -> p.measure().values().length < 2) && mode == Uncertainty.SEEDS) {
            note += "; sizes with one value are held fixed in the bootstrap";
        }
        return new Profile(budget, pts, higherIsBetter, fit, interior, interior ? vertex : Double.NaN, mode, samples,
                Stats.percentile(samples, 0.05), Stats.percentile(samples, 0.95), outside, bandX, lo, hi, note);
    }

    static boolean better(double a, double b, boolean higherIsBetter) {
        return higherIsBetter ? a > b : a < b;
    }
}
