package dev.pretext.study;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pretext.core.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A sweep folder written as `pretext sweep` would: results.jsonl, each run's metrics.jsonl, sweep.yaml. The
 * score follows a known law: at budget C the best size is log10 N* = LOG_K + A · log10 C, the score falls off
 * as a parabola in log10 N around it, hubert scores {@link #HUBERT_GAIN} above bestrq, and each probe seed adds
 * its own offset (shared by every run, as the same split would) plus a little independent noise.
 */
final class SweepFixture {
    static final double A = 0.5;
    static final double LOG_K = -0.2;
    static final double KAPPA = 1.08e6;   // FLOPs per parameter per hour of audio
    static final double HUBERT_GAIN = 2.0;
    static final double[] SCALES = {0.25, 0.5, 1, 2, 4};
    static final double[] BUDGETS = {1e13, 3e13, 1e14};
    static final long[] SEEDS = {1, 2, 3};

    private SweepFixture() {
    }

    /** The final loss follows L(N, D) = E + A/N^α + B/D^β with these constants (D in hours seen). */
    static final double E = 1.2;
    static final double LOSS_A = 60;
    static final double ALPHA = 0.3;
    static final double LOSS_B = 0.9;
    static final double BETA = 0.4;

    static double loss(double n, double hours) {
        return E + LOSS_A / Math.pow(n, ALPHA) + LOSS_B / Math.pow(hours, BETA);
    }

    static double parameters(double scale) {
        return Math.round(4e6 * Math.pow(scale, 1.5));
    }

    static double optimum(double budget) {
        return LOG_K + A * Math.log10(budget);
    }

    /** Writes the sweep; the run list also holds one failed run and one finished run without probes. */
    static Path write(Path dir, String analysisYaml) throws Exception {
        Files.createDirectories(dir);
        Random rng = new Random(1234);
        double[] seedOffset = {0.6, -0.4, -0.2};
        List<String> lines = new ArrayList<>();
        for (String objective : new String[]{"hubert", "bestrq"}) {
            for (double budget : BUDGETS) {
                for (double scale : SCALES) {
                    double n = parameters(scale);
                    double x = Math.log10(n);
                    double truth = 20 + 4 * Math.log10(budget / 1e13) - 10 * Math.pow(x - optimum(budget), 2)
                            + ("hubert".equals(objective) ? HUBERT_GAIN : 0);
                    double[] score = new double[SEEDS.length];
                    double[] per = new double[SEEDS.length];
                    for (int s = 0; s < SEEDS.length; s++) {
                        score[s] = truth + seedOffset[s] + 0.25 * rng.nextGaussian();
                        per[s] = 0.6 - truth / 100 + 0.003 * rng.nextGaussian();
                    }
                    String run = objective + "-scale" + fmt(scale) + "-flops" + fmt(budget);
                    double hours = budget / (KAPPA * n);
                    ObjectNode row = row(run, objective, scale, budget, n, hours, score, per);
                    row.put("final_loss", loss(n, hours) * (1 + 0.003 * rng.nextGaussian()));
                    lines.add(Json.COMPACT.writeValueAsString(row));
                    metrics(dir.resolve("runs").resolve(run), budget, 2.0 + x / 10);
                }
            }
        }
        // A run that failed, and one whose probes never ran.
        ObjectNode failed = Json.COMPACT.createObjectNode();
        failed.put("run", "hubert-scale8-flops1e13").put("status", "failed")
                .put("reason", "out of memory | estimate 9 GB of 6 GB").putNull("parameters");
        failed.set("overrides", Json.COMPACT.createObjectNode().put("encoder.scale", 8).put("budget.flops", 1e13)
                .set("objective", Json.COMPACT.createObjectNode().put("type", "hubert")));
        lines.add(Json.COMPACT.writeValueAsString(failed));
        ObjectNode noProbes = row("bestrq-scale1-flops3e14", "bestrq", 1, 3e14, parameters(1), 3e14 / (KAPPA * 4e6),
                null, null);
        lines.add(Json.COMPACT.writeValueAsString(noProbes));
        Files.writeString(dir.resolve("results.jsonl"), String.join("\n", lines) + "\n");
        Files.writeString(dir.resolve("sweep.yaml"), "name: " + dir.getFileName() + "\nrecipe: recipes/quickstart.yaml\n"
                + "grid:\n  encoder.scale: [0.25, 0.5, 1, 2, 4]\n  budget.flops: [1e13, 3e13, 1e14]\n"
                + "  objective: [{type: hubert}, {type: bestrq}]\n" + analysisYaml);
        return dir;
    }

    static ObjectNode row(String run, String objective, double scale, double budget, double n, double hours,
                          double[] score, double[] per) {
        ObjectNode row = Json.COMPACT.createObjectNode();
        row.put("run", run).put("status", "finished").putNull("reason");
        ObjectNode overrides = row.putObject("overrides");
        overrides.put("encoder.scale", scale).put("budget.flops", budget);
        overrides.putObject("objective").put("type", objective);
        row.putObject("labels").put("encoder.scale", fmt(scale)).put("budget.flops", fmt(budget))
                .put("objective", objective);
        row.put("parameters", n).put("flops_budget", budget).put("flops", budget * 0.99).put("steps", 300)
                .put("hours_seen", hours).put("unique_hours", 0.2).put("epochs", hours / 0.2).put("final_loss", 2.5)
                .put("train_seconds", 300.0).put("probe_seconds", 120.0);
        if (score != null) {
            ArrayNode seeds = row.putArray("probe_seeds");
            for (long s : SEEDS) {
                seeds.add(s);
            }
            ObjectNode probes = row.putObject("probes");
            spread(probes.putObject("phonemes").put("metric", "per").put("higher_is_better", false), per);
            spread(row.putObject("score"), score);
        }
        row.put("run_dir", "runs/" + run);
        return row;
    }

    private static void spread(ObjectNode node, double[] values) {
        node.put("mean", Stats.mean(values)).put("std", Stats.std(values));
        ArrayNode v = node.putArray("values");
        for (double x : values) {
            v.add(x);
        }
    }

    private static void metrics(Path runDir, double budget, double floor) throws Exception {
        Files.createDirectories(runDir);
        StringBuilder sb = new StringBuilder();
        for (int step = 1; step <= 300; step++) {
            double flops = budget * step / 300;
            sb.append(String.format(Locale.ROOT, "{\"step\":%d,\"loss\":%.5f,\"flops_total\":%.6e}%n", step,
                    floor + 3.0 / Math.sqrt(step), flops));
        }
        Files.writeString(runDir.resolve("metrics.jsonl"), sb.toString());
    }

    static String fmt(double v) {
        return Format.number(v);
    }
}
