package dev.pretext.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pretext.core.Console;
import dev.pretext.core.Json;
import dev.pretext.core.plugins.ComposedRun;
import dev.pretext.core.recipe.LoadedRecipe;
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
 * One command, two tables. The model: a matrix-multiply peak, the quickstart model's training step and the
 * FLOP/s it achieves as a share of that peak. The data ({@link DataBench}): decoding, the frontend, each
 * augmentation and the loader in x real time per core, and the share of training time the trainer waits for
 * data. Arguments: {@code [data] [STEPS] [--plugins DIR]}; {@code data} runs only the data table (its training
 * run, for the wait, is {@value #DATA_STEPS} steps unless STEPS says otherwise); {@code --plugins} takes the
 * bundles from another folder than the distribution's (e.g. one with a bundle under development added).
 */
public final class Bench {
    private static final int STEPS = 30;
    private static final int DATA_STEPS = 20;

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        if (args.length > 0 && args[0].equals("peer")) {
            PeerBench.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("mkl")) {
            MklBench.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("checkpoint")) {
            CheckpointBench.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Path dist = Path.of(System.getProperty("pretext.dist"));
        if (args.length > 0 && args[0].equals("tts")) {
            TtsBench.main(dist, Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("probes")) {
            ProbeBench.main(dist, quickstartRecipe(), Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Path plugins = dist.resolve("plugins");
        List<String> rest = new ArrayList<>(List.of(args));
        int flag = rest.indexOf("--plugins");
        if (flag >= 0) {
            if (flag + 1 >= rest.size()) {
                throw new IllegalArgumentException("--plugins needs a folder");
            }
            plugins = Path.of(rest.remove(flag + 1));
            rest.remove(flag);
        }
        boolean dataOnly = rest.remove("data");
        int steps = rest.isEmpty() ? (dataOnly ? DATA_STEPS : STEPS) : Integer.parseInt(rest.get(0));
        Path work = Files.createTempDirectory("pretext-bench-");
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "pretext");
        List<String[]> model = new ArrayList<>();
        List<String[]> data = new ArrayList<>();
        try (Host host = Host.start(dist.resolve("system"), plugins)) {
            double peak = 0;
            if (!dataOnly) {
                peak = matmulPeak(2048);
                model.add(new String[]{"matmul 2048x2048 fp32 (peak)", String.format(Locale.ROOT, "%.1f GFLOP/s",
                        peak / 1e9)});
            }
            String text = quickstartRecipe();
            LoadedRecipe quick = LoadedRecipe.parse(Path.of("quickstart.yaml"), text);
            ComposedRun composed = TrainingRun.check(quick, host.registry(), work.resolve("check"), cache);
            for (DataBench.Row r : DataBench.run(host.registry(), composed, work.resolve("data"))) {
                data.add(new String[]{r.stage(), r.plugin(), r.result(), r.notes()});
            }

            // The quickstart's model and data, a step budget, no probes.
            String stepRecipe = text.replaceAll("(?m)^budget:.*$", "budget: {steps: " + steps + "}")
                    .replaceAll("(?ms)^probes:.*", "");
            LoadedRecipe bench = LoadedRecipe.parse(Path.of("bench.yaml"), stepRecipe);
            TrainingRun.Result result = TrainingRun.execute(bench, host.registry(),
                    new TrainingRun.Options(work.resolve("run"), cache, false, true, null), Console.quiet());
            DataBench.Row wait = DataBench.trainerWait(result, bench.recipe());
            data.add(new String[]{wait.stage(), wait.plugin(), wait.result(), wait.notes()});
            if (!dataOnly) {
                List<JsonNode> metrics = new ArrayList<>();
                for (String line : Files.readAllLines(result.runDir().resolve("metrics.jsonl"))) {
                    metrics.add(Json.COMPACT.readTree(line));
                }
                List<JsonNode> warm = metrics.subList(Math.min(5, metrics.size() - 1), metrics.size());
                double[] stepTimes = warm.stream().mapToDouble(m -> m.get("step_seconds").asDouble()).sorted()
                        .toArray();
                double median = stepTimes[stepTimes.length / 2];
                double flops = warm.stream().mapToDouble(m -> m.get("flops_step").asDouble()).sum();
                double time = warm.stream().mapToDouble(m -> m.get("step_seconds").asDouble()).sum();
                double rowsPerStep = warm.stream().mapToDouble(m -> m.get("rows").asDouble()).average().orElse(0);
                double pad = warm.stream().mapToDouble(m -> m.get("padding_share").asDouble()).average().orElse(0);
                model.add(new String[]{"quickstart step (6x192, batch 40 s)", String.format(Locale.ROOT,
                        "%.0f ms median (%.1f utterances, %.1f%% padding)", median * 1000, rowsPerStep, 100 * pad)});
                model.add(new String[]{"quickstart training FLOP/s", String.format(Locale.ROOT,
                        "%.1f GFLOP/s = %.0f%% of matmul peak", flops / time / 1e9, 100 * flops / time / peak)});
            }
        } finally {
            deleteTree(work);
        }
        if (!model.isEmpty()) {
            System.out.println();
            printTable(List.of("benchmark", "result"), model);
        }
        System.out.println();
        printTable(List.of("data stage", "plugin", "x real time per core", "notes"), data);
        System.out.printf("%n%d cores, Java %s, %s; x real time per core = seconds of audio per CPU second of the "
                        + "thread(s) doing the work%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), ai.djl.engine.Engine.getInstance().getEngineName() + " "
                        + ai.djl.engine.Engine.getInstance().getVersion());
    }

    /** Removes a bench's scratch folder and everything in it. */
    static void deleteTree(Path dir) throws java.io.IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A Markdown table with columns as wide as their widest cell. */
    public static void printTable(List<String> header, List<String[]> rows) {
        int[] width = new int[header.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = header.get(c).length();
            for (String[] r : rows) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        StringBuilder rule = new StringBuilder("|");
        StringBuilder head = new StringBuilder("|");
        for (int c = 0; c < width.length; c++) {
            head.append(' ').append(pad(header.get(c), width[c])).append(" |");
            rule.append("-".repeat(width[c] + 2)).append('|');
        }
        System.out.println(head);
        System.out.println(rule);
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder("|");
            for (int c = 0; c < width.length; c++) {
                line.append(' ').append(pad(r[c], width[c])).append(" |");
            }
            System.out.println(line);
        }
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
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
