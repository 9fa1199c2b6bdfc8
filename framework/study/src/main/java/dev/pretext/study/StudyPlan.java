package dev.pretext.study;

import dev.pretext.core.UserError;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code pretext plan}: what to train at a compute budget the sweep may not have run, from the sweep's
 * optimal-size (and optimal-data) power laws, with the intervals their bootstrap gives.
 */
public final class StudyPlan {
    /** A compute more than this factor beyond the sweep's budgets is flagged as extrapolation. */
    public static final double EXTRAPOLATION_WARNING = 10;

    private StudyPlan() {
    }

    /** 5–95% interval; null ends mean none could be given. */
    public record Interval(double lo, double hi) {
        static Interval of(double[] v) {
            return v == null ? null : new Interval(v[0], v[1]);
        }
    }

    /**
     * The recommendation for one family of the sweep (or the reason there is none).
     *
     * @param budgets    the budgets whose optima the law was fitted to (empty without a law)
     * @param points     runs on those budgets' profiles
     * @param scale      the encoder.scale giving {@code parameters}, null when the runs carry no scale
     * @param hours      hours of audio seen at the optimum, null when the runs do not report them
     * @param parametric {N*, D*} of the parametric law (a second opinion), null without it
     * @param whyNot     why there is no recommendation (null when there is one)
     */
    public record Recommendation(Map<String, String> family, List<Double> budgets, int points, double exponent,
                                 Interval exponentInterval, double parameters, Interval parametersInterval, Double scale,
                                 Interval scaleInterval, Double hours, Interval hoursInterval, double[] parametric,
                                 List<String> notes, String whyNot) {
    }

    /** The plan: one recommendation per family, and warnings for the whole. */
    public record Plan(String sweep, double flops, String metric, List<Recommendation> recommendations,
                       List<String> warnings) {
        /** The plan for people. */
        public String text() {
            StringBuilder sb = new StringBuilder();
            sb.append("Plan for C = ").append(Format.number(flops)).append(" FLOPs from sweep ").append(sweep)
                    .append(" (metric ").append(metric).append(")\n");
            for (Recommendation r : recommendations) {
                String indent = r.family().isEmpty() ? "" : "  ";
                if (!r.family().isEmpty()) {
                    List<String> parts = new ArrayList<>();
                    r.family().forEach((k, v) -> parts.add(k + " = " + v));
                    sb.append('\n').append(String.join(", ", parts)).append(":\n");
                } else {
                    sb.append('\n');
                }
                if (r.whyNot() != null) {
                    sb.append(indent).append("no recommendation: ").append(r.whyNot()).append('\n');
                    continue;
                }
                line(sb, indent, "parameters", Format.size(r.parameters()), r.parametersInterval(), Format::size);
                if (r.scale() != null) {
                    line(sb, indent, ScalingAnalysis.SCALE_AXIS, Format.number(r.scale(), 3), r.scaleInterval(),
                            v -> Format.number(v, 3));
                }
                if (r.hours() != null) {
                    line(sb, indent, "hours seen", Format.number(r.hours(), 3), r.hoursInterval(),
                            v -> Format.number(v, 3));
                }
                sb.append(indent).append(String.format(Locale.ROOT, "%-16s", "fit")).append("N* = k · C^a, a = ")
                        .append(String.format(Locale.ROOT, "%.3f", r.exponent()));
                if (r.exponentInterval() != null) {
                    sb.append(String.format(Locale.ROOT, " (5–95%%: %.3f – %.3f)", r.exponentInterval().lo(),
                            r.exponentInterval().hi()));
                }
                List<String> cs = r.budgets().stream().map(Format::number).toList();
                sb.append(", over ").append(r.budgets().size()).append(" budgets (").append(String.join(", ", cs))
                        .append(") and ").append(r.points()).append(" runs\n");
                if (r.parametric() != null) {
                    sb.append(indent).append(String.format(Locale.ROOT, "%-16s", "L(N, D) law")).append("N* = ")
                            .append(Format.size(r.parametric()[0])).append(", hours seen = ")
                            .append(Format.number(r.parametric()[1], 3)).append(" (a second opinion)\n");
                }
                for (String n : r.notes()) {
                    sb.append(indent).append("note: ").append(n).append('\n');
                }
            }
            for (String w : warnings) {
                sb.append("\nwarning: ").append(w).append('\n');
            }
            return sb.toString();
        }

        private static void line(StringBuilder sb, String indent, String name, String value, Interval iv,
                                 java.util.function.DoubleFunction<String> f) {
            sb.append(indent).append(String.format(Locale.ROOT, "%-16s%-10s", name, value));
            sb.append(iv == null ? "(no interval)" : "(5–95%: " + f.apply(iv.lo()) + " – " + f.apply(iv.hi()) + ")");
            sb.append('\n');
        }

        /** The same numbers for scripts. */
        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sweep", sweep);
            m.put("flops", flops);
            m.put("metric", metric);
            List<Map<String, Object>> recs = new ArrayList<>();
            for (Recommendation r : recommendations) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("family", r.family());
                if (r.whyNot() != null) {
                    o.put("no_recommendation", r.whyNot());
                    recs.add(o);
                    continue;
                }
                o.put("parameters", r.parameters());
                o.put("parameters_interval", pair(r.parametersInterval()));
                o.put("encoder_scale", r.scale());
                o.put("encoder_scale_interval", pair(r.scaleInterval()));
                o.put("hours_seen", r.hours());
                o.put("hours_seen_interval", pair(r.hoursInterval()));
                o.put("exponent", r.exponent());
                o.put("exponent_interval", pair(r.exponentInterval()));
                o.put("budgets", r.budgets());
                o.put("runs", r.points());
                o.put("parametric", r.parametric() == null ? null
                        : Map.of("parameters", r.parametric()[0], "hours_seen", r.parametric()[1]));
                o.put("notes", r.notes());
                recs.add(o);
            }
            m.put("recommendations", recs);
            m.put("warnings", warnings);
            return m;
        }

        private static List<Double> pair(Interval iv) {
            return iv == null ? null : List.of(iv.lo(), iv.hi());
        }
    }

    /** The plan for compute {@code flops} from {@code sweepDir} (with its sweep.yaml's analysis block). */
    public static Plan recommend(Path sweepDir, double flops) {
        if (!(flops > 0) || Double.isInfinite(flops)) {
            throw new UserError("--flops must be a positive number of FLOPs such as 1e15, not " + flops);
        }
        SweepResults results = SweepResults.read(sweepDir);
        return recommend(results, AnalysisSpec.read(sweepDir), flops);
    }

    public static Plan recommend(SweepResults results, AnalysisSpec spec, double flops) {
        Path file = results.dir().resolve(SweepResults.FILE);
        if (results.finished().isEmpty()) {
            throw new UserError(file + " has no finished run (" + results.rows().size() + " listed); let the sweep "
                    + "finish, or run it: `pretext sweep SWEEP.yaml`");
        }
        List<ScalingAnalysis.Family> families = ScalingAnalysis.analyse(results, spec);
        List<Recommendation> recs = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        double minBudget = Double.POSITIVE_INFINITY;
        double maxBudget = 0;
        for (ScalingAnalysis.Family f : families) {
            for (double b : f.budgets()) {
                minBudget = Math.min(minBudget, b);
                maxBudget = Math.max(maxBudget, b);
            }
            recs.add(recommendation(f, spec, flops));
        }
        if (recs.stream().allMatch(r -> r.whyNot() != null)) {
            List<String> why = new ArrayList<>();
            for (Recommendation r : recs) {
                why.add((r.family().isEmpty() ? "" : familyTitle(r.family()) + ": ") + r.whyNot());
            }
            throw new UserError("no recommendation from " + file + ": " + String.join("; ", why) + "; the fit needs "
                    + "at least two budgets whose IsoFLOP profile (3 or more sizes) has its best size inside the grid: "
                    + "add budgets or sizes around the best ones to the sweep and run it again");
        }
        if (maxBudget > 0 && flops > EXTRAPOLATION_WARNING * maxBudget) {
            warnings.add(String.format(Locale.ROOT, "C = %s is %.0fx the largest budget of the sweep (%s): the laws "
                            + "are extrapolated that far; check with a run at this budget before relying on them",
                    Format.number(flops), flops / maxBudget, Format.number(maxBudget)));
        }
        if (minBudget < Double.POSITIVE_INFINITY && flops < minBudget / EXTRAPOLATION_WARNING) {
            warnings.add(String.format(Locale.ROOT, "C = %s is %.0fx below the smallest budget of the sweep (%s): "
                            + "the laws are extrapolated that far", Format.number(flops), minBudget / flops,
                    Format.number(minBudget)));
        }
        boolean higher = families.stream().anyMatch(ScalingAnalysis.Family::higherIsBetter);
        return new Plan(results.name(), flops, StudyReport.metricLabel(results, spec.metric(), higher), List.copyOf(recs),
                List.copyOf(warnings));
    }

    static String familyTitle(Map<String, String> family) {
        List<String> parts = new ArrayList<>();
        family.forEach((k, v) -> parts.add(k + " = " + v));
        return String.join(", ", parts);
    }

    private static Recommendation recommendation(ScalingAnalysis.Family f, AnalysisSpec spec, double flops) {
        PowerLaw law = f.sizeLaw();
        if (law == null) {
            return new Recommendation(f.key(), List.of(), 0, Double.NaN, null, Double.NaN, null, null, null, null, null,
                    null, List.of(), f.sizeWhyNot());
        }
        List<String> notes = new ArrayList<>();
        // The law's points are the profiles with an interior optimum, in budget order.
        List<Double> budgets = new ArrayList<>();
        int points = 0;
        for (IsoFlop.Profile p : f.profiles()) {
            if (p.interior()) {
                budgets.add(p.budget());
                points += p.points().size();
            }
        }
        double n = law.predict(flops);
        Interval ni = Interval.of(law.interval(flops));
        if (ni == null) {
            notes.add("no interval: " + law.noInterval());
        }
        // The encoder scale that gives N*: log N against log scale over the family's finished runs.
        Double scale = null;
        Interval si = null;
        List<double[]> xy = new ArrayList<>();
        for (RunRow r : f.runs()) {
            Double s = r.value(ScalingAnalysis.SCALE_AXIS);
            Double p = r.number(AnalysisSpec.PARAMETERS);
            if (r.finished() && s != null && s > 0 && p != null && p > 0) {
                xy.add(new double[]{Math.log10(s), Math.log10(p)});
            }
        }
        if (xy.stream().mapToDouble(v -> v[0]).distinct().count() >= 2) {
            Stats.Line line = Stats.line(xy.stream().mapToDouble(v -> v[0]).toArray(),
                    xy.stream().mapToDouble(v -> v[1]).toArray());
            if (line.slope() != 0) {
                scale = Math.pow(10, (Math.log10(n) - line.intercept()) / line.slope());
                if (ni != null) {
                    double a = Math.pow(10, (Math.log10(ni.lo()) - line.intercept()) / line.slope());
                    double b = Math.pow(10, (Math.log10(ni.hi()) - line.intercept()) / line.slope());
                    si = new Interval(Math.min(a, b), Math.max(a, b));
                }
                double maxScale = Math.pow(10, xy.stream().mapToDouble(v -> v[0]).max().orElse(0));
                double minScale = Math.pow(10, xy.stream().mapToDouble(v -> v[0]).min().orElse(0));
                if (scale > maxScale * 1.01 || scale < minScale / 1.01) {
                    notes.add(ScalingAnalysis.SCALE_AXIS + " " + Format.number(scale, 3) + " lies outside the scales "
                            + "run (" + Format.number(minScale, 3) + " – " + Format.number(maxScale, 3) + "); check "
                            + "its size with `pretext budget`");
                }
            }
        }
        Double hours = null;
        Interval hi = null;
        if (f.dataLaw() != null) {
            hours = f.dataLaw().predict(flops);
            hi = Interval.of(f.dataLaw().interval(flops));
        } else {
            notes.add("no hours seen: " + f.dataWhyNot());
        }
        double[] parametric = null;
        if (f.parametric() != null && Double.isFinite(f.parametric().kappa())) {
            double[] opt = f.parametric().law().optimum(flops, f.parametric().kappa());
            if (Double.isFinite(opt[0])) {
                parametric = opt;
            }
        }
        return new Recommendation(f.key(), List.copyOf(budgets), points, law.exponent(),
                Interval.of(law.exponentInterval()), n, ni, scale, si, hours, hi, parametric, List.copyOf(notes), null);
    }
}
