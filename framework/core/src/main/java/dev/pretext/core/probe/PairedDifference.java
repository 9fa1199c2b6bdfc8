package dev.pretext.core.probe;

import java.util.List;
import java.util.Locale;

/**
 * Whether upstream {@code a} really differs from {@code b} on a task, from results paired by probe seed (both
 * probed on the same split with the same head seed): the per-seed differences, oriented so that positive means
 * {@code a} is better, their mean, its standard error and 95% interval, and a two-sided paired t-test.
 *
 * @param differences value_a(s) - value_b(s) per seed, negated for metrics where lower is better
 * @param low         lower end of the 95% confidence interval of the mean difference (NaN below two seeds)
 * @param high        upper end of it
 */
public record PairedDifference(String task, String a, String b, String metric, List<Long> seeds,
                               double[] differences, double mean, double standardError, double low, double high,
                               double p, Verdict verdict) {
    /** Fewer seeds than this never make a difference real, whatever the test says. */
    public static final int MIN_SEEDS = 3;
    public static final double ALPHA = 0.05;
    /** The rule in one sentence, for reports and documentation. */
    public static final String RULE = "A difference counts as real only when it was measured over at least "
            + MIN_SEEDS + " probe seeds (both upstreams on the same split and head seed under each) and a two-sided "
            + "paired t-test over the per-seed differences gives p < " + ALPHA + "; with fewer seeds the verdict "
            + "is \"cannot tell\".";

    public enum Verdict {
        /** a is better, and the difference is real by the rule. */
        A_BETTER,
        /** b is better, and the difference is real by the rule. */
        B_BETTER,
        /** Enough seeds, but the differences do not stand out from their spread. */
        NOT_SHOWN,
        /** Fewer than {@link #MIN_SEEDS} seeds. */
        CANNOT_TELL
    }

    /**
     * The paired difference of two upstreams over the same seeds.
     *
     * @param valuesA        a's value under each seed, in the order of {@code seeds}
     * @param valuesB        b's value under the same seeds
     * @param higherIsBetter the metric's direction
     */
    public static PairedDifference of(String task, String a, String b, String metric, List<Long> seeds,
                                      double[] valuesA, double[] valuesB, boolean higherIsBetter) {
        int n = seeds.size();
        if (valuesA.length != n || valuesB.length != n || n == 0) {
            throw new IllegalArgumentException("paired values need one value per seed for both upstreams: "
                    + n + " seeds, " + valuesA.length + " and " + valuesB.length + " values");
        }
        double[] d = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            d[i] = higherIsBetter ? valuesA[i] - valuesB[i] : valuesB[i] - valuesA[i];
            sum += d[i];
        }
        double mean = sum / n;
        double se = Double.NaN;
        double low = Double.NaN;
        double high = Double.NaN;
        double p = Double.NaN;
        if (n >= 2) {
            double ss = 0;
            for (double x : d) {
                ss += (x - mean) * (x - mean);
            }
            se = Math.sqrt(ss / (n - 1) / n);
            double half = StudentT.quantile(1 - ALPHA / 2, n - 1) * se;
            low = mean - half;
            high = mean + half;
            // Identical differences under every seed: no spread, so any non-zero mean stands out completely.
            p = se == 0 ? (mean == 0 ? 1 : 0) : StudentT.twoSidedP(mean / se, n - 1);
        }
        Verdict verdict;
        if (n < MIN_SEEDS) {
            verdict = Verdict.CANNOT_TELL;
        } else if (p < ALPHA) {
            verdict = mean > 0 ? Verdict.A_BETTER : Verdict.B_BETTER;
        } else {
            verdict = Verdict.NOT_SHOWN;
        }
        return new PairedDifference(task, a, b, metric, List.copyOf(seeds), d, mean, se, low, high, p, verdict);
    }

    public boolean real() {
        return verdict == Verdict.A_BETTER || verdict == Verdict.B_BETTER;
    }

    /** The verdict in words, e.g. "real: pretrained better" or "cannot tell (2 seeds; the rule needs 3)". */
    public String describe() {
        return switch (verdict) {
            case A_BETTER -> "real: " + a + " better";
            case B_BETTER -> "real: " + b + " better";
            case NOT_SHOWN -> "no real difference shown";
            case CANNOT_TELL -> "cannot tell (" + seeds.size() + (seeds.size() == 1 ? " seed" : " seeds")
                    + "; the rule needs " + MIN_SEEDS + ")";
        };
    }

    /** The mean difference with its interval and p, e.g. "+0.123 (95% CI +0.081 to +0.165, p = 0.004)". */
    public String summary() {
        if (seeds.size() < 2) {
            return String.format(Locale.ROOT, "%+.3f (one seed: no spread)", mean);
        }
        return String.format(Locale.ROOT, "%+.3f (95%% CI %+.3f to %+.3f, p = %s)", mean, low, high, pValue(p));
    }

    private static String pValue(double p) {
        return p < 0.001 ? "< 0.001" : String.format(Locale.ROOT, "%.3f", p);
    }
}
