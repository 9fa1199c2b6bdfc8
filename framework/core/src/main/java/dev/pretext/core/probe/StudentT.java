package dev.pretext.core.probe;

/**
 * Student's t distribution for whole degrees of freedom, in closed form (Abramowitz and Stegun 26.7.3 and
 * 26.7.4: finite sums in the angle atan(t / sqrt(df))), so no table and no special-function library is needed.
 */
public final class StudentT {
    private StudentT() {
    }

    /** P(|T| < t) for t >= 0: the mass of the central interval (-t, t). */
    static double central(double t, int df) {
        if (df < 1) {
            throw new IllegalArgumentException("degrees of freedom must be >= 1, got " + df);
        }
        if (Double.isNaN(t)) {
            return Double.NaN;
        }
        double x = Math.abs(t);
        if (Double.isInfinite(x)) {
            return 1;
        }
        double theta = Math.atan(x / Math.sqrt(df));
        double sin = Math.sin(theta);
        double cos = Math.cos(theta);
        double cos2 = cos * cos;
        double term = 1;
        double sum = 1;
        if (df % 2 == 0) {
            // sin(theta) (1 + 1/2 cos^2 + 1*3/(2*4) cos^4 + ... up to cos^(df-2))
            for (int k = 1; k <= (df - 2) / 2; k++) {
                term *= (2.0 * k - 1) / (2.0 * k) * cos2;
                sum += term;
            }
            return sin * sum;
        }
        if (df == 1) {
            return 2 * theta / Math.PI;
        }
        // 2/pi (theta + sin cos (1 + 2/3 cos^2 + 2*4/(3*5) cos^4 + ... up to cos^(df-3)))
        for (int k = 1; k <= (df - 3) / 2; k++) {
            term *= (2.0 * k) / (2.0 * k + 1) * cos2;
            sum += term;
        }
        return 2 / Math.PI * (theta + sin * cos * sum);
    }

    /** The two-sided p-value of a t statistic: P(|T| >= |t|). */
    public static double twoSidedP(double t, int df) {
        return Math.max(0, 1 - central(t, df));
    }

    /** The quantile q with P(T <= q) = probability, e.g. quantile(0.975, 4) = 2.776. */
    public static double quantile(double probability, int df) {
        if (!(probability > 0 && probability < 1)) {
            throw new IllegalArgumentException("a probability in (0, 1), got " + probability);
        }
        if (probability < 0.5) {
            return -quantile(1 - probability, df);
        }
        double target = 2 * probability - 1;
        double lo = 0;
        double hi = 1;
        while (central(hi, df) < target) {
            lo = hi;
            hi *= 2;
        }
        // central() rises with t: bisect until the interval stops shrinking in double precision.
        for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
            double mid = 0.5 * (lo + hi);
            if (central(mid, df) < target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }
}
