package dev.pretext.study;

import dev.pretext.core.probe.StudentT;

import java.util.Locale;

/**
 * The study's one comparison rule. Two settings are compared on the same probe seeds (same split, same head
 * seed): d_s = a(s) − b(s), signed so that positive means a is better. The difference is "real" only with at
 * least {@link #MIN_SEEDS} paired seeds and a two-sided paired t-test at p &lt; 0.05; otherwise "not
 * separated", or "cannot tell" with fewer seeds.
 *
 * @param n       paired seeds
 * @param mean    mean of d (positive: a better)
 * @param se      standard error of the mean of d (NaN below two seeds)
 * @param halfWidth half-width of the 95% interval of the mean, t(0.975, n−1)·se (NaN below two seeds)
 * @param t       mean / se
 * @param p       two-sided p-value (NaN below two seeds)
 */
public record Comparison(String a, String b, int n, double mean, double se, double halfWidth, double t, double p,
                         Verdict verdict) {
    public static final int MIN_SEEDS = 3;
    public static final double ALPHA = 0.05;

    /** The rule in one sentence, for the top of a report. */
    public static final String RULE = "Two settings are compared on the same probe seeds (same split, same head "
            + "seed): d_s = a(s) − b(s), signed so that positive means a is better; a difference is **real** only "
            + "with at least " + MIN_SEEDS + " paired seeds and a two-sided paired t-test at p < 0.05 (mean of d ± "
            + "t(0.975, n−1)·se as its 95% interval); otherwise it is **not separated**, or **cannot tell** with "
            + "fewer than " + MIN_SEEDS + " seeds.";

    public enum Verdict {
        REAL("real"), NOT_SEPARATED("not separated"), CANNOT_TELL("cannot tell");

        private final String text;

        Verdict(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * Compares paired values (index i of both arrays is the same seed).
     *
     * @param higherIsBetter the metric's direction
     */
    public static Comparison paired(String a, double[] va, String b, double[] vb, boolean higherIsBetter) {
        if (va.length != vb.length) {
            throw new IllegalArgumentException("paired values differ in number: " + va.length + " and " + vb.length);
        }
        int n = va.length;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = (higherIsBetter ? 1 : -1) * (va[i] - vb[i]);
        }
        double mean = n == 0 ? Double.NaN : Stats.mean(d);
        if (n < 2) {
            return new Comparison(a, b, n, mean, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Verdict.CANNOT_TELL);
        }
        double se = Stats.std(d) / Math.sqrt(n);
        int df = n - 1;
        double t;
        double p;
        if (se == 0) {
            // Identical differences on every seed: no spread to test against.
            t = mean == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, mean);
            p = mean == 0 ? 1 : 0;
        } else {
            t = mean / se;
            p = StudentT.twoSidedP(t, df);
        }
        double half = StudentT.quantile(1 - ALPHA / 2, df) * se;
        Verdict v = n < MIN_SEEDS ? Verdict.CANNOT_TELL : p < ALPHA ? Verdict.REAL : Verdict.NOT_SEPARATED;
        return new Comparison(a, b, n, mean, se, half, t, p, v);
    }

    /** The better side's name when the verdict is real, else null. */
    public String winner() {
        return verdict == Verdict.REAL ? (mean > 0 ? a : b) : null;
    }

    /** e.g. "+1.20 ± 0.35, t = 5.90, p = 0.028, 3 seeds" (the mean of d, the half-width of its 95% interval). */
    public String describe(String format) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%+" + format, mean));
        if (!Double.isNaN(halfWidth)) {
            sb.append(" ± ").append(String.format(Locale.ROOT, "%" + format, halfWidth));
        }
        if (!Double.isNaN(p)) {
            sb.append(String.format(Locale.ROOT, ", t = %s, p %s", Double.isInfinite(t) ? (t > 0 ? "+∞" : "−∞")
                    : String.format(Locale.ROOT, "%.2f", t), p < 0.001 ? "< 0.001" : String.format(Locale.ROOT, "= %.3f", p)));
        }
        sb.append(", ").append(n).append(n == 1 ? " seed" : " seeds");
        return sb.toString();
    }
}
