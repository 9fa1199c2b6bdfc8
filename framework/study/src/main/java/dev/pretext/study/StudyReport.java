package dev.pretext.study;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pretext.core.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A sweep's {@code report.md} and its plots ({@code plots/*.png}): every run, the scaling fits with their
 * intervals, and every comparison judged by {@link Comparison the rule}. The same results give the same bytes
 * (seeded bootstrap, fixed formatting).
 */
public final class StudyReport {
    public static final String REPORT = "report.md";
    public static final String PLOTS = "plots";

    /** One run's training loss against FLOPs spent, from its metrics.jsonl. */
    public record Curve(String run, double budget, double[] flops, double[] loss) {
    }

    /** What was written. */
    public record Written(Path report, List<Path> plots) {
    }

    private StudyReport() {
    }

    /** Writes the report of {@code sweepDir} with the analysis block of its {@code sweep.yaml} (or defaults). */
    public static Written write(Path sweepDir) {
        return write(sweepDir, AnalysisSpec.read(sweepDir));
    }

    /** Writes {@code sweepDir/report.md} and {@code sweepDir/plots/*.png} from {@code sweepDir/results.jsonl}. */
    public static Written write(Path sweepDir, AnalysisSpec spec) {
        SweepResults results = SweepResults.read(sweepDir);
        List<ScalingAnalysis.Family> families = ScalingAnalysis.analyse(results, spec);
        Path plotDir = sweepDir.resolve(PLOTS);
        List<Path> plots = new ArrayList<>();
        String md = markdown(results, spec, families, plotDir, plots);
        Json.writeAtomically(sweepDir.resolve(REPORT), md);
        removeStalePlots(plotDir, plots);
        return new Written(sweepDir.resolve(REPORT), List.copyOf(plots));
    }

    /** The metric's name for people: "score ↑", "phonemes per ↓", "final loss ↓". */
    static String metricLabel(SweepResults results, String metric, boolean higher) {
        String name = switch (metric) {
            case AnalysisSpec.SCORE -> "score";
            case AnalysisSpec.FINAL_LOSS -> "final loss";
            default -> {
                String m = null;
                for (RunRow r : results.rows()) {
                    m = m != null ? m : r.metricName(metric);
                }
                yield m == null ? metric : metric + " " + m;
            }
        };
        return name + (higher ? " ↑" : " ↓");
    }

    private static int decimals(String metric) {
        return switch (metric) {
            case AnalysisSpec.SCORE -> 1;
            case AnalysisSpec.FINAL_LOSS -> 4;
            default -> 3;
        };
    }

    static String markdown(SweepResults results, AnalysisSpec spec, List<ScalingAnalysis.Family> families,
                           Path plotDir, List<Path> plots) {
        boolean higher = direction(results, spec.metric());
        String metric = metricLabel(results, spec.metric(), higher);
        List<RunRow> rows = results.rows();
        long finished = rows.stream().filter(RunRow::finished).count();
        long failed = rows.stream().filter(r -> "failed".equals(r.status())).count();
        StringBuilder md = new StringBuilder();
        md.append("# Study `").append(results.name()).append("`\n\n");
        md.append(rows.size()).append(rows.size() == 1 ? " run: " : " runs: ").append(finished).append(" finished, ")
                .append(failed).append(" failed, ").append(rows.size() - finished - failed).append(" other (pending or "
                        + "unknown).\n\n");
        md.append("- metric: **").append(metric).append("** (`").append(spec.metric()).append("`)\n");
        md.append("- size: `").append(spec.size()).append("`; budget: `").append(spec.budget()).append("`");
        if (spec.data() != null) {
            md.append("; data axis: `").append(spec.data()).append("`");
        }
        List<String> categories = results.categories(spec);
        md.append("; categories: ").append(categories.isEmpty() ? "none" : "`" + String.join("`, `", categories) + "`")
                .append("\n");
        md.append("- intervals: 5–95% of a bootstrap of ").append(spec.bootstrap()).append(" resamples (seed ")
                .append(spec.bootstrapSeed()).append(")\n\n");
        md.append("**The comparison rule.** ").append(Comparison.RULE).append("\n\n");

        runTable(md, results, spec);
        long sizes = results.finished().stream().map(r -> r.value(spec.size())).filter(java.util.Objects::nonNull)
                .distinct().count();
        if (sizes < 2) {
            // A study at one model size (data size, objectives) has no profile to fit: say so once.
            md.append("## Scaling\n\nThe finished runs have ").append(sizes == 0 ? "no" : "one").append(" value of `")
                    .append(spec.size()).append("`: no IsoFLOP profiles, size laws or parametric fit; the ")
                    .append("comparisons below are the study.\n\n");
        }
        List<ScalingAnalysis.Family> fitted = sizes < 2 ? List.of() : families;
        for (ScalingAnalysis.Family f : fitted) {
            family(md, results, spec, f, metric, plotDir, plots);
        }
        lossCurves(md, results, spec, plotDir, plots);
        for (String axis : categories) {
            category(md, results, spec, axis, metric, higher, plotDir, plots);
        }
        if (spec.data() != null) {
            dataAxis(md, results, spec, metric, plotDir, plots);
        }
        List<String> notes = new ArrayList<>();
        for (ScalingAnalysis.Family f : fitted) {
            for (String n : f.notes()) {
                notes.add((f.key().isEmpty() ? "" : f.title() + ": ") + n);
            }
        }
        if (!notes.isEmpty()) {
            md.append("## Notes\n\n");
            for (String n : notes) {
                md.append("- ").append(cell(n)).append('\n');
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static boolean direction(SweepResults results, String metric) {
        for (RunRow r : results.rows()) {
            Measure m = r.measure(metric);
            if (m != null) {
                return m.higherIsBetter();
            }
        }
        return AnalysisSpec.SCORE.equals(metric);
    }

    // ---- the runs ----

    private static void runTable(StringBuilder md, SweepResults results, AnalysisSpec spec) {
        List<String> tasks = results.tasks();
        md.append("## Runs\n\n| run | status | overrides | parameters | FLOPs | steps | hours seen | epochs | final loss");
        for (String t : tasks) {
            String m = null;
            for (RunRow r : results.rows()) {
                m = m != null ? m : r.metricName(t);
            }
            md.append(" | ").append(t).append(m == null ? "" : " " + m);
        }
        md.append(" | score | train s | probe s |\n|---|---|---|---:|---:|---:|---:|---:|---:");
        md.append("|---:".repeat(tasks.size())).append("|---:|---:|---:|\n");
        List<RunRow> notFinished = new ArrayList<>();
        for (RunRow r : results.rows()) {
            if (!r.finished()) {
                notFinished.add(r);
            }
            md.append("| `").append(cell(r.run())).append("` | ").append(r.finished() ? "finished" : "**" + cell(r.status())
                    + "**").append(" | ").append(cell(settings(r))).append(" | ")
                    .append(num(r.number("parameters"), Format::size)).append(" | ")
                    .append(num(r.number("flops"), Format::number)).append(" | ")
                    .append(num(r.number("steps"), v -> String.valueOf(Math.round(v)))).append(" | ")
                    .append(num(r.number("hours_seen"), Format::number)).append(" | ")
                    .append(num(r.number("epochs"), v -> Format.fixed(v, 2))).append(" | ")
                    .append(num(r.number("final_loss"), v -> Format.fixed(v, 4)));
            for (String t : tasks) {
                md.append(" | ").append(spread(r.measure(t), 3));
            }
            md.append(" | ").append(spread(r.measure(AnalysisSpec.SCORE), 1)).append(" | ")
                    .append(num(r.number("train_seconds"), v -> Format.fixed(v, 0))).append(" | ")
                    .append(num(r.number("probe_seconds"), v -> Format.fixed(v, 0))).append(" |\n");
        }
        md.append("\nProbe metrics and the score are mean ± std over probe seeds.\n\n");
        if (!notFinished.isEmpty()) {
            md.append("Runs that did not finish (left out of every fit):\n\n");
            for (RunRow r : notFinished) {
                md.append("- `").append(cell(r.run())).append("` (").append(cell(r.status())).append("): ")
                        .append(r.reason() == null ? "no reason given" : cell(r.reason())).append('\n');
            }
            md.append('\n');
        }
    }

    private static String settings(RunRow r) {
        List<String> parts = new ArrayList<>();
        for (String a : r.axes()) {
            parts.add(a + "=" + r.label(a));
        }
        return String.join(", ", parts);
    }

    private static String spread(Measure m, int decimals) {
        if (m == null) {
            return "–";
        }
        return Format.fixed(m.mean(), decimals) + (m.values().length > 1 ? " ± " + Format.fixed(m.std(), decimals) : "");
    }

    private static String num(Double v, java.util.function.DoubleFunction<String> f) {
        return v == null ? "–" : f.apply(v);
    }

    /** Text made safe for a table cell: no pipes, no line breaks. */
    static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replaceAll("[\\r\\n]+", " ");
    }

    // ---- scaling ----

    private static void family(StringBuilder md, SweepResults results, AnalysisSpec spec, ScalingAnalysis.Family f,
                               String metric, Path plotDir, List<Path> plots) {
        String suffix = f.slug().isEmpty() ? "" : "-" + f.slug();
        md.append("## Scaling").append(f.key().isEmpty() ? "" : ": " + cell(f.title())).append("\n\n");
        md.append("### IsoFLOP profiles\n\n");
        if (f.profiles().isEmpty()) {
            md.append("No finished run with ").append(spec.metric()).append(", ").append(spec.size()).append(" and ")
                    .append(spec.budget()).append(".\n\n");
            return;
        }
        md.append("Per budget, ").append(metric).append(" against log10(").append(spec.size()).append(") fitted with a "
                + "parabola; the optimum counts when the parabola bends the metric's way inside the sizes run.\n\n");
        md.append("| ").append(spec.budget()).append(" | runs | optimal ").append(spec.size()).append(" | 5–95% | "
                + "resamples without an interior optimum | interval from | best vs next | note |\n"
                + "|---:|---:|---:|---|---:|---|---|---|\n");
        for (IsoFlop.Profile p : f.profiles()) {
            md.append("| ").append(Format.number(p.budget())).append(" | ").append(p.points().size()).append(" | ")
                    .append(p.interior() ? Format.size(p.optimalSize()) : "–").append(" | ")
                    .append(interval(p)).append(" | ")
                    .append(p.samples() == null ? "–" : p.outside() + " of " + p.samples().length).append(" | ")
                    .append(p.uncertainty()).append(" | ")
                    .append(cell(bestVsNext(p))).append(" | ").append(cell(p.note())).append(" |\n");
        }
        Path iso = plotDir.resolve("isoflop" + suffix + ".png");
        Plots.write(iso, Plots.isoflop(f, metric, spec.size(), spec.budget()));
        plots.add(iso);
        md.append("\n").append(image("IsoFLOP profiles", iso, plotDir)).append("\n\n");

        md.append("### Optimal ").append(spec.size()).append(" against compute\n\n");
        if (f.sizeLaw() == null) {
            md.append("No law: ").append(f.sizeWhyNot()).append(".\n\n");
        } else {
            law(md, f.sizeLaw(), spec.size(), Format::size, f.profiles());
            double[][] iv = intervals(f, f.sizeLaw(), null);
            Path opt = plotDir.resolve("optimal-size" + suffix + ".png");
            Plots.write(opt, Plots.optimum("Optimal " + spec.size() + " against compute", spec.size(), Plots.SIZES,
                    spec.budget(), f.sizeLaw(), iv[0], iv[1]));
            plots.add(opt);
            md.append(image("Optimal size against compute", opt, plotDir)).append("\n\n");
        }

        md.append("### Optimal data against compute\n\n");
        if (f.dataLaw() == null) {
            md.append("No law: ").append(f.dataWhyNot()).append(".\n\n");
        } else {
            md.append("Hours of audio seen at each budget's optimum, read off a straight line of log(hours seen) "
                    + "against log(size) through that budget's runs.\n\n");
            law(md, f.dataLaw(), "hours seen", Format::number, f.profiles());
            double[][] iv = intervals(f, f.dataLaw(), "hours");
            Path opt = plotDir.resolve("optimal-data" + suffix + ".png");
            Plots.write(opt, Plots.optimum("Optimal hours seen against compute", "hours seen", Plots.NUMBERS,
                    spec.budget(), f.dataLaw(), iv[0], iv[1]));
            plots.add(opt);
            md.append(image("Optimal data against compute", opt, plotDir)).append("\n\n");
        }

        md.append("### Parametric fit L(N, D)\n\n");
        if (f.parametric() == null) {
            md.append("Not fitted: ").append(f.parametricWhyNot()).append(".\n\n");
        } else {
            parametric(md, f, spec, results);
        }
    }

    private static String interval(IsoFlop.Profile p) {
        if (p.samples() == null) {
            return "–";
        }
        String lo = p.xLo() < p.xMin() ? "< " + Format.size(Math.pow(10, p.xMin())) + " (smallest)"
                : Format.size(Math.pow(10, p.xLo()));
        String hi = p.xHi() > p.xMax() ? "> " + Format.size(Math.pow(10, p.xMax())) + " (largest)"
                : Format.size(Math.pow(10, p.xHi()));
        return lo + " – " + hi;
    }

    /** The best run of a profile against the next best, by the rule. */
    private static String bestVsNext(IsoFlop.Profile p) {
        if (p.points().size() < 2) {
            return "–";
        }
        List<IsoFlop.Point> sorted = new ArrayList<>(p.points());
        sorted.sort((a, b) -> p.higherIsBetter() ? Double.compare(b.measure().mean(), a.measure().mean())
                : Double.compare(a.measure().mean(), b.measure().mean()));
        IsoFlop.Point best = sorted.get(0);
        IsoFlop.Point next = sorted.get(1);
        double[][] pair = Measure.paired(best.measure(), next.measure());
        Comparison c = Comparison.paired(best.run(), pair[0], next.run(), pair[1], p.higherIsBetter());
        return "`" + best.run() + "` vs `" + next.run() + "`: " + c.describe(".3g") + ": **" + c.verdict() + "**";
    }

    private static void law(StringBuilder md, PowerLaw law, String quantity, java.util.function.DoubleFunction<String> fmt,
                            List<IsoFlop.Profile> profiles) {
        double[] ai = law.exponentInterval();
        md.append(String.format(Locale.ROOT, "%s* = k · C^a with **a = %.3f**", quantity, law.exponent()));
        if (ai != null) {
            md.append(String.format(Locale.ROOT, " (5–95%%: %.3f – %.3f)", ai[0], ai[1]));
        }
        md.append(", k = ").append(Format.number(law.coefficient())).append(", from ").append(law.points())
                .append(" budgets (");
        List<String> cs = new ArrayList<>();
        for (double lc : law.logC()) {
            cs.add(Format.number(Math.pow(10, lc)));
        }
        md.append(String.join(", ", cs)).append(").");
        if (law.noInterval() != null) {
            md.append(" No interval: ").append(law.noInterval()).append('.');
        } else {
            if (law.dropped() > 0) {
                md.append(" ").append(law.dropped()).append(" of ").append(law.dropped() + law.lines().size())
                        .append(" resamples were dropped: in them some budget's parabola had no optimum.");
            }
            long fixed = profiles.stream().filter(p -> p.interior() && p.samples() == null).count();
            if (fixed > 0) {
                md.append(" The optimum of ").append(fixed).append(fixed == 1 ? " budget" : " budgets")
                        .append(" without an interval of its own is held fixed in the resamples.");
            }
        }
        md.append("\n\n| C (FLOPs) | ").append(quantity).append("* | 5–95% |\n|---:|---:|---|\n");
        List<Double> at = new ArrayList<>();
        for (IsoFlop.Profile p : profiles) {
            at.add(p.budget());
        }
        double max = at.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        at.add(max * 10);
        for (double c : at) {
            double[] iv = law.interval(c);
            md.append("| ").append(Format.number(c)).append(c == max * 10 ? " (10x the largest, extrapolated)" : "")
                    .append(" | ").append(fmt.apply(law.predict(c))).append(" | ")
                    .append(iv == null ? "–" : fmt.apply(iv[0]) + " – " + fmt.apply(iv[1])).append(" |\n");
        }
        md.append('\n');
    }

    /** Each law point's interval ends (in the law's units), for the plot. */
    private static double[][] intervals(ScalingAnalysis.Family f, PowerLaw law, String hours) {
        int m = law.points();
        double[] lo = new double[m];
        double[] hi = new double[m];
        int j = 0;
        for (IsoFlop.Profile p : f.profiles()) {
            if (!p.interior() || j >= m || Math.abs(Math.log10(p.budget()) - law.logC()[j]) > 1e-12) {
                continue;
            }
            double xl = Math.max(p.xLo(), p.xMin());
            double xh = Math.min(p.xHi(), p.xMax());
            if (hours != null) {
                Stats.Line line = ScalingAnalysis.hoursAgainstSize(p);
                lo[j] = line == null || p.samples() == null ? Double.NaN : Math.pow(10, Math.min(line.at(xl), line.at(xh)));
                hi[j] = line == null || p.samples() == null ? Double.NaN : Math.pow(10, Math.max(line.at(xl), line.at(xh)));
            } else {
                lo[j] = p.samples() == null ? Double.NaN : Math.pow(10, xl);
                hi[j] = p.samples() == null ? Double.NaN : Math.pow(10, xh);
            }
            j++;
        }
        for (; j < m; j++) {
            lo[j] = Double.NaN;
            hi[j] = Double.NaN;
        }
        return new double[][]{lo, hi};
    }

    private static void parametric(StringBuilder md, ScalingAnalysis.Family f, AnalysisSpec spec, SweepResults results) {
        Parametric.Fit fit = f.parametric();
        Parametric.Law law = fit.law();
        String fitted = switch (spec.metric()) {
            case AnalysisSpec.SCORE -> "100 − score (the distance to a perfect score)";
            case AnalysisSpec.FINAL_LOSS -> "the final loss";
            default -> f.higherIsBetter() ? "1 − " + spec.metric() + " (the distance to perfect)" : spec.metric();
        };
        md.append("L = E + A/N^α + B/D^β fitted to ").append(fitted).append(" of ").append(fit.runs())
                .append(" runs (N: parameters, D: hours of audio seen; Huber loss on log L, δ = 10⁻³, Nelder–Mead "
                        + "from the best points of an (α, β) grid):\n\n| | fit | 5–95% |\n|---|---:|---|\n");
        row(md, "E", law.e(), fit.interval(Parametric.Law::e));
        row(md, "A", law.a(), fit.interval(Parametric.Law::a));
        row(md, "α", law.alpha(), fit.interval(Parametric.Law::alpha));
        row(md, "B", law.b(), fit.interval(Parametric.Law::b));
        row(md, "β", law.beta(), fit.interval(Parametric.Law::beta));
        md.append("\nC ≈ κ·N·D with κ = ").append(Format.number(fit.kappa())).append(" FLOPs per parameter per hour "
                + "seen (median over the runs).");
        if (!(law.alpha() > 0 && law.beta() > 0)) {
            md.append(" An exponent is not positive, so the law gives no compute-optimal allocation.\n\n");
            return;
        }
        if (!Double.isFinite(fit.kappa())) {
            md.append(" κ is unknown (the runs report no FLOPs), so no allocation is given.\n\n");
            return;
        }
        md.append(" Compute-optimal allocation N*(C) = G·(C/κ)^(β/(α+β)), D* = C/(κN*):\n\n"
                + "| C (FLOPs) | N* | 5–95% | D* (hours) | 5–95% |\n|---:|---:|---|---:|---|\n");
        List<Double> at = new ArrayList<>();
        for (double b : f.budgets()) {
            at.add(b);
        }
        at.add(f.budgets().length == 0 ? 1e15 : f.budgets()[f.budgets().length - 1] * 10);
        for (double c : at) {
            double[] opt = law.optimum(c, fit.kappa());
            double[] ni = fit.interval(l -> l.optimum(c, fit.kappa())[0]);
            double[] di = fit.interval(l -> l.optimum(c, fit.kappa())[1]);
            md.append("| ").append(Format.number(c)).append(" | ").append(Format.size(opt[0])).append(" | ")
                    .append(ni == null ? "–" : Format.size(ni[0]) + " – " + Format.size(ni[1])).append(" | ")
                    .append(Format.number(opt[1])).append(" | ")
                    .append(di == null ? "–" : Format.number(di[0]) + " – " + Format.number(di[1])).append(" |\n");
        }
        md.append('\n');
    }

    private static void row(StringBuilder md, String name, double v, double[] iv) {
        md.append("| ").append(name).append(" | ").append(Format.number(v)).append(" | ")
                .append(iv == null ? "–" : Format.number(iv[0]) + " – " + Format.number(iv[1])).append(" |\n");
    }

    // ---- loss curves ----

    private static void lossCurves(StringBuilder md, SweepResults results, AnalysisSpec spec, Path plotDir,
                                   List<Path> plots) {
        List<Curve> curves = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (RunRow r : results.rows()) {
            if (r.runDir() == null) {
                continue;
            }
            Curve c = curve(results.dir(), r, spec);
            if (c == null) {
                if (r.finished()) {
                    missing.add(r.run());
                }
            } else {
                curves.add(c);
            }
        }
        md.append("## Training loss against compute\n\n");
        if (curves.isEmpty()) {
            md.append("No run has a readable metrics.jsonl with loss and flops_total.\n\n");
            return;
        }
        Path file = plotDir.resolve("loss-vs-flops.png");
        Plots.write(file, Plots.lossCurves(curves, spec.budget()));
        plots.add(file);
        md.append(image("Training loss against FLOPs", file, plotDir)).append("\n\n");
        if (!missing.isEmpty()) {
            md.append("Finished runs without a readable metrics.jsonl: ").append(cell(String.join(", ", missing)))
                    .append(".\n\n");
        }
    }

    /** A run's loss curve, at most 400 points (every k-th step, the last one kept); null when unreadable. */
    static Curve curve(Path sweepDir, RunRow r, AnalysisSpec spec) {
        Path file = sweepDir.resolve(r.runDir()).resolve("metrics.jsonl");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        List<double[]> pts = new ArrayList<>();
        try (Stream<String> lines = Files.lines(file)) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = Json.COMPACT.readTree(line);
                } catch (IOException e) {
                    continue;   // a line cut short by a killed run
                }
                Double f = RunRow.finite(n.get("flops_total"));
                Double l = RunRow.finite(n.get("loss"));
                if (f != null && l != null && f > 0) {
                    pts.add(new double[]{f, l});
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
        if (pts.isEmpty()) {
            return null;
        }
        int stride = Math.max(1, (pts.size() + 399) / 400);
        List<double[]> kept = new ArrayList<>();
        for (int i = 0; i < pts.size(); i += stride) {
            kept.add(pts.get(i));
        }
        if (kept.get(kept.size() - 1) != pts.get(pts.size() - 1)) {
            kept.add(pts.get(pts.size() - 1));
        }
        Double budget = r.value(spec.budget());
        return new Curve(r.run(), budget == null ? Double.NaN : budget, kept.stream().mapToDouble(p -> p[0]).toArray(),
                kept.stream().mapToDouble(p -> p[1]).toArray());
    }

    // ---- categories ----

    private static void category(StringBuilder md, SweepResults results, AnalysisSpec spec, String axis, String metric,
                                 boolean higher, Path plotDir, List<Path> plots) {
        List<RunRow> finished = results.finished();
        List<String> labels = Categories.labels(finished, axis);
        md.append("## ").append(cell(axis)).append("\n\n");
        List<Categories.Bar> bars = new ArrayList<>();
        for (String l : labels) {
            Categories.Bar b = Categories.bar(finished, axis, l, spec.metric());
            if (b.runs() > 0) {
                bars.add(b);
            }
        }
        if (bars.isEmpty()) {
            md.append("No finished run with ").append(spec.metric()).append(".\n\n");
            return;
        }
        int d = decimals(spec.metric());
        md.append("| ").append(cell(axis)).append(" | runs | ").append(metric).append(" | over |\n|---|---:|---:|---|\n");
        for (Categories.Bar b : bars) {
            md.append("| ").append(cell(b.label())).append(" | ").append(b.runs()).append(" | ")
                    .append(Format.fixed(b.mean(), d)).append(" ± ").append(Format.fixed(b.std(), d)).append(" | ")
                    .append(b.seeds() > 0 ? b.seeds() + " seeds (each the mean over the value's runs)" : "runs")
                    .append(" |\n");
        }
        Path file = plotDir.resolve("category-" + slug(axis) + ".png");
        Plots.write(file, Plots.bars(axis, metric, bars.stream().map(Categories.Bar::label).toList(),
                bars.stream().mapToDouble(Categories.Bar::mean).toArray(),
                bars.stream().mapToDouble(Categories.Bar::std).toArray()));
        plots.add(file);
        md.append("\n").append(image(axis, file, plotDir)).append("\n\n");
        if (bars.size() < 2) {
            return;
        }
        md.append("Pairwise, on matched cells (runs that agree on every other axis), differences averaged over "
                + "cells per seed:\n\n| a | b | cells | a − b (95%), positive = a better | verdict |\n"
                + "|---|---|---:|---|---|\n");
        List<String> axes = results.axes();
        for (int i = 0; i < bars.size(); i++) {
            for (int j = i + 1; j < bars.size(); j++) {
                String a = bars.get(i).label();
                String b = bars.get(j).label();
                Categories.Pair p = Categories.compare(finished, axes, axis, a, b, spec.metric(), higher);
                Comparison c = p.comparison();
                String verdict = c.verdict() + (c.winner() == null ? "" : " (" + c.winner() + " better)");
                md.append("| ").append(cell(a)).append(" | ").append(cell(b)).append(" | ").append(p.cells())
                        .append(" | ").append(p.cells() == 0 ? "no matched cells" : cell(c.describe(".3g")))
                        .append(" | **").append(verdict).append("** |\n");
            }
        }
        md.append('\n');
    }

    // ---- data axis ----

    private static void dataAxis(StringBuilder md, SweepResults results, AnalysisSpec spec, String metric, Path plotDir,
                                 List<Path> plots) {
        String axis = spec.data();
        md.append("## ").append(cell(metric)).append(" against ").append(cell(axis)).append("\n\n");
        List<String> axes = results.axes();
        Map<String, TreeMap<Double, Measure>> series = new LinkedHashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
        for (RunRow r : results.finished()) {
            Double x = r.value(axis);
            Measure m = r.measure(spec.metric());
            if (x == null || x <= 0 || m == null) {
                continue;
            }
            String key = Categories.cellKey(r, axes, axis);
            series.computeIfAbsent(key, k -> new TreeMap<>()).putIfAbsent(x, m);
            List<String> parts = new ArrayList<>();
            for (String a : axes) {
                if (!a.equals(axis) && r.label(a) != null) {
                    parts.add(r.label(a));
                }
            }
            names.putIfAbsent(key, parts.isEmpty() ? "all" : String.join(", ", parts));
        }
        if (series.isEmpty()) {
            md.append("No finished run has a positive number for ").append(cell(axis)).append(" and ")
                    .append(spec.metric()).append(".\n\n");
            return;
        }
        List<String> labels = new ArrayList<>();
        List<double[][]> data = new ArrayList<>();
        for (var e : series.entrySet()) {
            TreeMap<Double, Measure> s = e.getValue();
            double[][] d = new double[3][s.size()];
            int i = 0;
            for (var p : s.entrySet()) {
                d[0][i] = p.getKey();
                d[1][i] = p.getValue().mean();
                d[2][i] = p.getValue().std();
                i++;
            }
            labels.add(names.get(e.getKey()));
            data.add(d);
        }
        Path file = plotDir.resolve("data-" + slug(axis) + ".png");
        Plots.write(file, Plots.dataAxis(axis, metric, labels, data));
        plots.add(file);
        md.append("One line per combination of the other axes (").append(labels.size()).append(labels.size() == 1
                ? " line" : " lines").append("), error bars the std over seeds.\n\n")
                .append(image(metric + " against " + axis, file, plotDir)).append("\n\n");
    }

    // ---- files ----

    private static String image(String alt, Path file, Path plotDir) {
        return "![" + cell(alt) + "](" + PLOTS + "/" + plotDir.relativize(file).toString().replace('\\', '/') + ")";
    }

    static String slug(String s) {
        String t = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("^-+|-+$", "");
        return t.isEmpty() ? "axis" : t;
    }

    /** PNGs of an earlier report that this one did not draw (an axis since removed) would mislead: delete them. */
    private static void removeStalePlots(Path plotDir, List<Path> written) {
        if (!Files.isDirectory(plotDir)) {
            return;
        }
        try (Stream<Path> files = Files.list(plotDir)) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".png")).toList()) {
                if (!written.contains(p)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tidy " + plotDir, e);
        }
    }
}
