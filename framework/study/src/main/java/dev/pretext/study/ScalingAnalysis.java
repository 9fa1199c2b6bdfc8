package dev.pretext.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The scaling fits of a sweep: its runs split into families (one per combination of the category axes and the
 * data axis, whose values change what is being scaled), and per family the IsoFLOP profiles, the optimal size
 * and data against compute, and the parametric law.
 */
public final class ScalingAnalysis {
    /** The encoder axis whose values set the model size, used to turn N* into a scale. */
    public static final String SCALE_AXIS = "encoder.scale";

    private ScalingAnalysis() {
    }

    /**
     * One family's fits. A fit that could not be made is null and its {@code ...WhyNot} says why.
     *
     * @param key   the family's axis labels (empty when the sweep has one family)
     * @param runs  every run of the family, finished or not
     * @param notes runs left out and other remarks
     */
    public record Family(Map<String, String> key, List<RunRow> runs, boolean higherIsBetter,
                         List<IsoFlop.Profile> profiles, PowerLaw sizeLaw, String sizeWhyNot, PowerLaw dataLaw,
                         String dataWhyNot, Parametric.Fit parametric, String parametricWhyNot, List<String> notes) {
        public String title() {
            if (key.isEmpty()) {
                return "all runs";
            }
            List<String> parts = new ArrayList<>();
            key.forEach((k, v) -> parts.add(k + " = " + v));
            return String.join(", ", parts);
        }

        /** A file-name-safe form of the key ("" for the single family). */
        public String slug() {
            if (key.isEmpty()) {
                return "";
            }
            String s = String.join("-", key.values()).toLowerCase(java.util.Locale.ROOT)
                    .replaceAll("[^a-z0-9.]+", "-").replaceAll("^-+|-+$", "");
            return s.isEmpty() ? "family" : s;
        }

        /** The budgets of the profiles, ascending. */
        public double[] budgets() {
            return profiles.stream().mapToDouble(IsoFlop.Profile::budget).toArray();
        }
    }

    /** The axes that split runs into families: the categories, then the data axis. */
    public static List<String> familyAxes(SweepResults results, AnalysisSpec spec) {
        List<String> axes = new ArrayList<>(results.categories(spec));
        if (spec.data() != null && !axes.contains(spec.data())) {
            axes.add(spec.data());
        }
        return axes;
    }

    /** The runs grouped by family, in the order families first appear. */
    public static Map<Map<String, String>, List<RunRow>> families(SweepResults results, List<String> axes) {
        Map<Map<String, String>, List<RunRow>> families = new LinkedHashMap<>();
        for (RunRow r : results.rows()) {
            Map<String, String> key = new LinkedHashMap<>();
            for (String a : axes) {
                String label = r.label(a);
                key.put(a, label == null ? "(unset)" : label);
            }
            families.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        return families;
    }

    public static List<Family> analyse(SweepResults results, AnalysisSpec spec) {
        results.checkMetric(spec.metric());
        List<String> axes = familyAxes(results, spec);
        List<Family> out = new ArrayList<>();
        int index = 0;
        for (var e : families(results, axes).entrySet()) {
            out.add(family(e.getKey(), e.getValue(), spec, index++));
        }
        return out;
    }

    static Family family(Map<String, String> key, List<RunRow> runs, AnalysisSpec spec, int index) {
        List<String> notes = new ArrayList<>();
        TreeMap<Double, List<IsoFlop.Point>> byBudget = new TreeMap<>();
        List<String> noSize = new ArrayList<>();
        List<String> noBudget = new ArrayList<>();
        List<String> noMetric = new ArrayList<>();
        Boolean higher = null;
        for (RunRow r : runs) {
            if (!r.finished()) {
                continue;
            }
            Measure m = r.measure(spec.metric());
            Double size = r.value(spec.size());
            Double budget = r.value(spec.budget());
            if (m == null) {
                noMetric.add(r.run());
            } else if (size == null || size <= 0) {
                noSize.add(r.run());
            } else if (budget == null || budget <= 0) {
                noBudget.add(r.run());
            } else {
                higher = higher == null ? m.higherIsBetter() : higher;
                Double hours = r.number("hours_seen");
                byBudget.computeIfAbsent(budget, b -> new ArrayList<>()).add(new IsoFlop.Point(r.run(), size, m,
                        hours == null ? Double.NaN : hours));
            }
        }
        if (!noMetric.isEmpty()) {
            notes.add("finished without " + spec.metric() + " (left out of the fits): " + String.join(", ", noMetric));
        }
        if (!noSize.isEmpty()) {
            notes.add("finished without a positive " + spec.size() + " (left out): " + String.join(", ", noSize));
        }
        if (!noBudget.isEmpty()) {
            notes.add("finished without a positive " + spec.budget() + " (left out): " + String.join(", ", noBudget));
        }
        boolean hib = higher != null && higher;
        List<IsoFlop.Profile> profiles = new ArrayList<>();
        List<String> shared = new ArrayList<>();
        int j = 0;
        for (var b : byBudget.entrySet()) {
            shared.addAll(duplicates(b.getKey(), b.getValue(), spec));
            long seed = spec.bootstrapSeed() * 1_000_003L + 1009L * index + j++;
            profiles.add(IsoFlop.fit(b.getKey(), b.getValue(), hib, spec.bootstrap(), seed));
        }

        if (!shared.isEmpty()) {
            notes.add(shared.size() + (shared.size() == 1 ? " size is" : " sizes are") + " shared by several runs of "
                    + "one budget (" + shared.get(0) + (shared.size() > 1 ? ", ..." : "") + "); they are fitted as "
                    + "separate points; if an axis tells them apart, add it to analysis.categories");
        }
        // Optimal size against compute, over the budgets with an interior optimum.
        List<IsoFlop.Profile> interior = profiles.stream().filter(IsoFlop.Profile::interior).toList();
        PowerLaw sizeLaw = null;
        String sizeWhy = null;
        if (interior.size() < 2) {
            sizeWhy = interior.size() + " of " + profiles.size() + (profiles.size() == 1 ? " budget has" : " budgets "
                    + "have") + " an interior optimum; the law needs 2 (" + (profiles.isEmpty() ? "no finished runs "
                    + "with the metric" : "see the profiles above") + ")";
        } else {
            sizeLaw = PowerLaw.fit(spec.size(), interior.stream().mapToDouble(IsoFlop.Profile::budget).toArray(),
                    interior.stream().mapToDouble(IsoFlop.Profile::xStar).toArray(),
                    interior.stream().map(IsoFlop.Profile::samples).toList());
        }

        // Optimal data: each budget's hours seen against size, read off at the optimum.
        PowerLaw dataLaw = null;
        String dataWhy = null;
        List<Double> cs = new ArrayList<>();
        List<Double> ds = new ArrayList<>();
        List<double[]> dSamples = new ArrayList<>();
        for (IsoFlop.Profile p : interior) {
            Stats.Line hoursLine = hoursAgainstSize(p);
            if (hoursLine == null) {
                continue;
            }
            cs.add(p.budget());
            ds.add(hoursLine.at(p.xStar()));
            if (p.samples() == null) {
                dSamples.add(null);
            } else {
                double[] s = new double[p.samples().length];
                for (int b = 0; b < s.length; b++) {
                    s[b] = hoursLine.at(p.samples()[b]);
                }
                dSamples.add(s);
            }
        }
        if (interior.size() >= 2 && cs.size() < 2) {
            dataWhy = "the runs do not report hours_seen at two or more sizes per budget";
        } else if (interior.size() < 2) {
            dataWhy = sizeWhy;
        } else {
            dataLaw = PowerLaw.fit("hours seen", cs.stream().mapToDouble(Double::doubleValue).toArray(),
                    ds.stream().mapToDouble(Double::doubleValue).toArray(), dSamples);
        }

        // The parametric law over every finished run with N, D and the metric.
        List<Parametric.Point> pts = new ArrayList<>();
        List<double[]> kappaRows = new ArrayList<>();
        Measure any = null;
        for (RunRow r : runs) {
            if (!r.finished()) {
                continue;
            }
            Measure m = r.measure(spec.metric());
            Double n = r.number(AnalysisSpec.PARAMETERS);
            if (n == null) {
                n = r.value(spec.size());
            }
            Double d = r.number("hours_seen");
            if (m == null || n == null || d == null) {
                continue;
            }
            any = m;
            pts.add(new Parametric.Point(n, d, m.error(m.mean())));
            Double f = r.number("flops");
            kappaRows.add(new double[]{f == null ? Double.NaN : f, n, d});
        }
        Parametric.Fit parametric = null;
        String parametricWhy = Parametric.whyNot(pts);
        if (parametricWhy == null) {
            double kappa = Parametric.kappa(kappaRows.stream().mapToDouble(x -> x[0]).toArray(),
                    kappaRows.stream().mapToDouble(x -> x[1]).toArray(), kappaRows.stream().mapToDouble(x -> x[2]).toArray());
            parametric = Parametric.fit(pts, kappa, spec.bootstrap(), spec.bootstrapSeed() * 7919L + index);
        } else if (any == null) {
            parametricWhy = "no finished run reports " + AnalysisSpec.PARAMETERS + ", hours_seen and " + spec.metric();
        }
        return new Family(key, List.copyOf(runs), hib, List.copyOf(profiles), sizeLaw, sizeWhy, dataLaw, dataWhy,
                parametric, parametricWhy, List.copyOf(notes));
    }

    /** log10 hours seen against log10 size within one budget; null without two sizes that report hours. */
    static Stats.Line hoursAgainstSize(IsoFlop.Profile p) {
        List<double[]> xy = new ArrayList<>();
        for (IsoFlop.Point pt : p.points()) {
            if (pt.hoursSeen() > 0) {
                xy.add(new double[]{pt.x(), Math.log10(pt.hoursSeen())});
            }
        }
        if (xy.stream().mapToDouble(v -> v[0]).distinct().count() < 2) {
            return null;
        }
        return Stats.line(xy.stream().mapToDouble(v -> v[0]).toArray(), xy.stream().mapToDouble(v -> v[1]).toArray());
    }

    /** The sizes several runs of one budget share, each as "runs a, b at size N, budget C". */
    private static List<String> duplicates(double budget, List<IsoFlop.Point> points, AnalysisSpec spec) {
        Map<Double, List<String>> bySize = new TreeMap<>();
        for (IsoFlop.Point p : points) {
            bySize.computeIfAbsent(p.size(), s -> new ArrayList<>()).add(p.run());
        }
        List<String> shared = new ArrayList<>();
        for (var e : bySize.entrySet()) {
            if (e.getValue().size() > 1) {
                shared.add("runs " + String.join(", ", e.getValue()) + " at " + spec.size() + " = "
                        + Format.number(e.getKey()) + ", " + spec.budget() + " = " + Format.number(budget));
            }
        }
        return shared;
    }
}
