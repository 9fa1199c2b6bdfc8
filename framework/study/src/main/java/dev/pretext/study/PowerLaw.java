package dev.pretext.study;

import java.util.ArrayList;
import java.util.List;

/**
 * An optimal quantity against compute, Y* = k · C^a, fitted as a straight line in log-log space over the budgets
 * whose profile has an interior optimum. Its interval comes from the profiles' bootstrap: resample b takes every
 * budget's b-th optimum and refits the line, so the optima's uncertainty is carried into a and into Y* at any
 * new C. A resample in which some budget's parabola bent the wrong way (no optimum) is dropped and counted.
 *
 * @param quantity  what Y is ("parameters", "hours seen")
 * @param logC      log10 of the budgets used
 * @param logY      log10 of their optima
 * @param fit       log10 Y* = log10 k + a · log10 C
 * @param lines     one refitted line per kept resample; null when no interval can be given
 * @param dropped   resamples dropped because some budget's parabola had no optimum
 * @param noInterval why there is no interval (null when there is one)
 */
public record PowerLaw(String quantity, double[] logC, double[] logY, Stats.Line fit, List<Stats.Line> lines,
                       int dropped, String noInterval) {

    /** The exponent a. */
    public double exponent() {
        return fit.slope();
    }

    /** The coefficient k. */
    public double coefficient() {
        return Math.pow(10, fit.intercept());
    }

    public int points() {
        return logC.length;
    }

    public double predict(double c) {
        return Math.pow(10, fit.at(Math.log10(c)));
    }

    /** 5–95% interval of the exponent; null without an interval. */
    public double[] exponentInterval() {
        if (lines == null) {
            return null;
        }
        double[] a = lines.stream().mapToDouble(Stats.Line::slope).toArray();
        return new double[]{Stats.percentile(a, 0.05), Stats.percentile(a, 0.95)};
    }

    /** 5–95% interval of Y* at compute c; null without an interval. */
    public double[] interval(double c) {
        if (lines == null) {
            return null;
        }
        double lc = Math.log10(c);
        double[] y = lines.stream().mapToDouble(l -> Math.pow(10, l.at(lc))).toArray();
        return new double[]{Stats.percentile(y, 0.05), Stats.percentile(y, 0.95)};
    }

    /**
     * Fits the law.
     *
     * @param budgets  compute of each point
     * @param optima   log10 of the optimum at each budget
     * @param samples  per budget, the bootstrap's log10 optima (same resample count for all), or null for a
     *                 budget without uncertainty (its optimum is then held fixed)
     * @return null with fewer than two points (the caller says why)
     */
    public static PowerLaw fit(String quantity, double[] budgets, double[] optima, List<double[]> samples) {
        int m = budgets.length;
        if (m < 2) {
            return null;
        }
        double[] logC = new double[m];
        for (int j = 0; j < m; j++) {
            logC[j] = Math.log10(budgets[j]);
        }
        Stats.Line fit = Stats.line(logC, optima);
        if (m == 2) {
            return new PowerLaw(quantity, logC, optima.clone(), fit, null, 0, "two budgets determine the line "
                    + "exactly, so no interval can be given; run a third budget");
        }
        int resamples = 0;
        for (double[] s : samples) {
            if (s != null) {
                resamples = s.length;
            }
        }
        if (resamples == 0) {
            return new PowerLaw(quantity, logC, optima.clone(), fit, null, 0, "the optima at each budget have no "
                    + "interval (one value per size and only three sizes), so none can be carried into the law");
        }
        List<Stats.Line> lines = new ArrayList<>();
        int dropped = 0;
        double[] yb = new double[m];
        for (int b = 0; b < resamples; b++) {
            boolean ok = true;
            for (int j = 0; j < m; j++) {
                yb[j] = samples.get(j) == null ? optima[j] : samples.get(j)[b];
                ok &= Double.isFinite(yb[j]);
            }
            if (ok) {
                lines.add(Stats.line(logC, yb));
            } else {
                dropped++;
            }
        }
        if (lines.size() < resamples / 2) {
            return new PowerLaw(quantity, logC, optima.clone(), fit, null, dropped, "in " + dropped + " of "
                    + resamples + " resamples some budget's parabola had no optimum, too many for an interval; widen the grids");
        }
        return new PowerLaw(quantity, logC, optima.clone(), fit, List.copyOf(lines), dropped, null);
    }
}
