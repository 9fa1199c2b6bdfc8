package dev.pretext.study;

/**
 * Student's t distribution, from the regularised incomplete beta function: {@code P(|T| > t) = I_x(df/2, 1/2)}
 * with {@code x = df / (df + t²)}. Written here rather than taken from a statistics library because the
 * comparison rule needs two functions of it.
 */
public final class Student {
    private Student() {
    }

    /** P(T ≤ t) for {@code df} degrees of freedom. */
    public static double cdf(double t, double df) {
        if (!(df > 0)) {
            throw new IllegalArgumentException("degrees of freedom must be positive: " + df);
        }
        if (Double.isNaN(t)) {
            return Double.NaN;
        }
        if (Double.isInfinite(t)) {
            return t > 0 ? 1 : 0;
        }
        double tail = 0.5 * Beta.regularized(df / (df + t * t), df / 2, 0.5);
        return t >= 0 ? 1 - tail : tail;
    }

    /** Two-sided p-value of a t statistic: P(|T| ≥ |t|). */
    public static double twoSidedP(double t, double df) {
        if (Double.isInfinite(t)) {
            return 0;
        }
        return Beta.regularized(df / (df + t * t), df / 2, 0.5);
    }

    /** The quantile: the t with P(T ≤ t) = p, by bisection on the CDF (monotone, so it always converges). */
    public static double quantile(double p, double df) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("p must be in (0, 1): " + p);
        }
        if (p == 0.5) {
            return 0;
        }
        double lo = -1;
        double hi = 1;
        while (cdf(lo, df) > p) {
            lo *= 2;
        }
        while (cdf(hi, df) < p) {
            hi *= 2;
        }
        for (int i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(hi)); i++) {
            double mid = 0.5 * (lo + hi);
            if (cdf(mid, df) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /** The regularised incomplete beta function I_x(a, b) and the log-gamma it needs. */
    static final class Beta {
        private static final double[] LANCZOS = {0.99999999999980993, 676.5203681218851, -1259.1392167224028,
                771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
                9.9843695780195716e-6, 1.5056327351493116e-7};

        private Beta() {
        }

        /** ln Γ(x) for x > 0 (Lanczos approximation, g = 7; relative error about 1e-15). */
        static double logGamma(double x) {
            if (x < 0.5) {
                // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
                return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
            }
            x -= 1;
            double sum = LANCZOS[0];
            double t = x + 7.5;
            for (int i = 1; i < LANCZOS.length; i++) {
                sum += LANCZOS[i] / (x + i);
            }
            return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
        }

        static double regularized(double x, double a, double b) {
            if (x <= 0) {
                return 0;
            }
            if (x >= 1) {
                return 1;
            }
            double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x)
                    + b * Math.log1p(-x));
            // The continued fraction converges fast only below the mean; use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a).
            if (x < (a + 1) / (a + b + 2)) {
                return front * fraction(x, a, b) / a;
            }
            return 1 - front * fraction(1 - x, b, a) / b;
        }

        /** The continued fraction of I_x(a, b), evaluated by the modified Lentz method. */
        private static double fraction(double x, double a, double b) {
            final double tiny = 1e-300;
            double c = 1;
            double d = 1 - (a + b) * x / (a + 1);
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            double h = d;
            for (int m = 1; m <= 10_000; m++) {
                int m2 = 2 * m;
                // Even step: d_{2m} = m (b − m) x / ((a + 2m − 1)(a + 2m)).
                double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
                d = 1 + aa * d;
                d = 1 / (Math.abs(d) < tiny ? tiny : d);
                c = 1 + aa / c;
                c = Math.abs(c) < tiny ? tiny : c;
                h *= d * c;
                // Odd step: d_{2m+1} = −(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)).
                aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
                d = 1 + aa * d;
                d = 1 / (Math.abs(d) < tiny ? tiny : d);
                c = 1 + aa / c;
                c = Math.abs(c) < tiny ? tiny : c;
                double delta = d * c;
                h *= delta;
                if (Math.abs(delta - 1) < 1e-15) {
                    break;
                }
            }
            return h;
        }
    }
}
