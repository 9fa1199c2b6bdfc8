package dev.pretext.study;

import java.util.Arrays;

/** Small statistics the fits share: means, percentiles, straight lines and parabolas by least squares. */
public final class Stats {
    private Stats() {
    }

    public static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** Sample standard deviation (n − 1); 0 for fewer than two values. */
    public static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }

    /**
     * The q-quantile (0 ≤ q ≤ 1) with linear interpolation between order statistics (R's type 7). Infinite
     * values are allowed (a bootstrap optimum that left the grid) and sort to the ends.
     */
    public static double percentile(double[] values, double q) {
        double[] s = values.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(s.length - 1, lo + 1);
        double frac = pos - lo;
        if (frac == 0 || s[lo] == s[hi]) {
            return s[lo];
        }
        return s[lo] + frac * (s[hi] - s[lo]);
    }

    /** y = intercept + slope · x by least squares. */
    public record Line(double intercept, double slope) {
        public double at(double x) {
            return intercept + slope * x;
        }
    }

    public static Line line(double[] x, double[] y) {
        double mx = mean(x);
        double my = mean(y);
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < x.length; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
        }
        if (sxx == 0) {
            throw new IllegalArgumentException("a line needs at least two distinct x");
        }
        double slope = sxy / sxx;
        return new Line(my - slope * mx, slope);
    }

    /**
     * y = a + b·(x − centre) + c·(x − centre)², fitted on x centred at its mean (the normal equations of raw
     * log10 sizes around 7 would be badly conditioned).
     */
    public record Parabola(double centre, double a, double b, double c) {
        public double at(double x) {
            double u = x - centre;
            return a + b * u + c * u * u;
        }

        /** The vertex; NaN for a straight line. */
        public double vertex() {
            return c == 0 ? Double.NaN : centre - b / (2 * c);
        }

        /** Coefficients in x itself: a0 + a1·x + a2·x². */
        public double[] raw() {
            return new double[]{a - b * centre + c * centre * centre, b - 2 * c * centre, c};
        }
    }

    public static Parabola parabola(double[] x, double[] y) {
        double centre = mean(x);
        double[][] m = new double[3][4];
        for (int i = 0; i < x.length; i++) {
            double u = x[i] - centre;
            double[] row = {1, u, u * u};
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    m[r][c] += row[r] * row[c];
                }
                m[r][3] += row[r] * y[i];
            }
        }
        double[] s = solve(m);
        if (s == null) {
            throw new IllegalArgumentException("a parabola needs at least three distinct x");
        }
        return new Parabola(centre, s[0], s[1], s[2]);
    }

    /** Gaussian elimination with partial pivoting on an augmented n × (n+1) matrix; null when singular. */
    static double[] solve(double[][] m) {
        int n = m.length;
        double scale = 0;
        for (double[] row : m) {
            for (int c = 0; c < n; c++) {
                scale = Math.max(scale, Math.abs(row[c]));
            }
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
                    pivot = r;
                }
            }
            if (Math.abs(m[pivot][col]) <= 1e-12 * scale) {
                return null;
            }
            double[] tmp = m[col];
            m[col] = m[pivot];
            m[pivot] = tmp;
            for (int r = col + 1; r < n; r++) {
                double f = m[r][col] / m[col][col];
                for (int c = col; c <= n; c++) {
                    m[r][c] -= f * m[col][c];
                }
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = m[r][n];
            for (int c = r + 1; c < n; c++) {
                s -= m[r][c] * x[c];
            }
            x[r] = s / m[r][r];
        }
        return x;
    }
}
