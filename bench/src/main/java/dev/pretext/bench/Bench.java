package dev.pretext.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.model.Frontend;
import dev.pretext.core.recipe.LoadedRecipe;
import dev.pretext.core.run.ComposedRun;
import dev.pretext.core.run.Console;
import dev.pretext.core.run.Json;
import dev.pretext.core.run.TrainingRun;
import dev.pretext.launcher.Host;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One command, one table: fbank speed (x real time on one core), the quickstart model's training step,
 * and the FLOP/s it achieves as a share of a matrix-multiply peak measured in the same run.
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        if (args.length > 0 && args[0].equals("peer")) {
            PeerBench.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Path dist = Path.of(System.getProperty("pretext.dist"));
        Path work = Files.createTempDirectory("pretext-bench-");
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "pretext");
        List<String[]> rows = new ArrayList<>();
        try (Host host = Host.start(dist.resolve("system"), dist.resolve("plugins"))) {
            double peak = matmulPeak(2048);
            rows.add(new String[]{"matmul 2048x2048 fp32 (peak)", String.format(Locale.ROOT, "%.1f GFLOP/s", peak / 1e9)});

            String text = quickstartRecipe();
            LoadedRecipe quick = LoadedRecipe.parse(Path.of("quickstart.yaml"), text);
            ComposedRun composed = TrainingRun.check(quick, host.registry(), work.resolve("check"), cache);
            Frontend fbank = composed.frontend().instance();
            List<Utterance> utts = composed.train().instance().utterances();
            List<Waveform> audio = new ArrayList<>();
            double seconds = 0;
            for (Utterance u : utts.subList(0, Math.min(60, utts.size()))) {
                Waveform w = composed.train().instance().audio(u);
                audio.add(w);
                seconds += w.seconds();
            }
            double[] times = new double[5];
            for (int rep = 0; rep < times.length; rep++) {
                long t0 = System.nanoTime();
                for (Waveform w : audio) {
                    fbank.extract(w);
                }
                times[rep] = (System.nanoTime() - t0) / 1e9;
            }
            Arrays.sort(times);
            rows.add(new String[]{"fbank 80-bin, 1 thread", String.format(Locale.ROOT, "%.0fx real time (%.1f s audio)",
                    seconds / times[times.length / 2], seconds)});

            // The quickstart's model and data, a step budget, no probes.
            String stepRecipe = text.replaceAll("(?m)^budget:.*$", "budget: {steps: " + steps + "}")
                    .replaceAll("(?ms)^probes:.*", "");
            LoadedRecipe bench = LoadedRecipe.parse(Path.of("bench.yaml"), stepRecipe);
            TrainingRun.Result result = TrainingRun.execute(bench, host.registry(),
                    new TrainingRun.Options(work.resolve("run"), cache, false, true, null), Console.quiet());
            List<JsonNode> metrics = new ArrayList<>();
            for (String line : Files.readAllLines(result.runDir().resolve("metrics.jsonl"))) {
                metrics.add(Json.COMPACT.readTree(line));
            }
            List<JsonNode> warm = metrics.subList(Math.min(5, metrics.size() - 1), metrics.size());
            double[] stepTimes = warm.stream().mapToDouble(m -> m.get("step_seconds").asDouble()).sorted().toArray();
            double median = stepTimes[stepTimes.length / 2];
            double flops = warm.stream().mapToDouble(m -> m.get("flops_step").asDouble()).sum();
            double time = warm.stream().mapToDouble(m -> m.get("step_seconds").asDouble()).sum();
            double wait = warm.stream().mapToDouble(m -> m.get("data_wait_seconds").asDouble()).sum();
            double rowsPerStep = warm.stream().mapToDouble(m -> m.get("rows").asDouble()).average().orElse(0);
            double pad = warm.stream().mapToDouble(m -> m.get("padding_share").asDouble()).average().orElse(0);
            rows.add(new String[]{"quickstart step (6x192, batch 40 s)", String.format(Locale.ROOT,
                    "%.0f ms median (%.1f utterances, %.1f%% padding)", median * 1000, rowsPerStep, 100 * pad)});
            rows.add(new String[]{"quickstart training FLOP/s", String.format(Locale.ROOT, "%.1f GFLOP/s = %.0f%% of matmul peak",
                    flops / time / 1e9, 100 * flops / time / peak)});
            rows.add(new String[]{"trainer waiting for data", String.format(Locale.ROOT, "%.1f%% of step time (2 loader threads)",
                    100 * wait / time)});
        } finally {
            try (var walk = Files.walk(work)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        System.out.println();
        System.out.printf("| %-38s | %-52s |%n", "benchmark", "result");
        System.out.printf("|%s|%s|%n", "-".repeat(40), "-".repeat(54));
        for (String[] r : rows) {
            System.out.printf("| %-38s | %-52s |%n", r[0], r[1]);
        }
        System.out.printf("%n%d cores, Java %s, %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), ai.djl.engine.Engine.getInstance().getEngineName() + " "
                        + ai.djl.engine.Engine.getInstance().getVersion());
    }

    private static String quickstartRecipe() throws Exception {
        try (InputStream in = Bench.class.getClassLoader().getResourceAsStream("recipes/quickstart.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Best of several n x n fp32 matrix products, in FLOP/s (2 n^3 per product). */
    static double matmulPeak(int n) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomUniform(-1, 1, new Shape(n, n));
            NDArray b = m.randomUniform(-1, 1, new Shape(n, n));
            double best = 0;
            for (int i = 0; i < 8; i++) {
                long t0 = System.nanoTime();
                try (NDArray c = a.matMul(b)) {
                    c.getFloat(0, 0);
                }
                double s = (System.nanoTime() - t0) / 1e9;
                if (i >= 2) {
                    best = Math.max(best, 2.0 * n * n * n / s);
                }
            }
            return best;
        }
    }
}
