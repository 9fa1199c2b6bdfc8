package dev.pretext.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pretext.api.RunContext;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.model.Encoder;
import dev.pretext.core.Json;
import dev.pretext.core.TrainingFlops;
import dev.pretext.core.plugins.Composer;
import dev.pretext.core.recipe.LoadedRecipe;
import dev.pretext.core.train.AdamW;
import dev.pretext.launcher.Host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * pretext's Transformer against the same model in plain PyTorch (bench/peer/transformer.py): the same shapes,
 * loss, optimizer and thread count, one process after the other in one run. The pretext side builds the
 * encoder through the shipped plugin bundle and the recipe binding (as a training run does) and steps core's
 * AdamW; the peer runs in a subprocess with Debian's torch 1.13 + OpenBLAS.
 *
 * <p>Arguments: {@code [--shapes quickstart,slim] [--threads 1,2] [--steps 10] [--warmup 3] [--padding 0.1]
 * [--loss mse|l1]}. A shape is a name below or {@code name=layers,dim,heads,ffn,batch,frames}.
 */
public final class PeerBench {
    /** The encoder shapes compared by default: the quickstart's (8 s utterances) and the slim preset. */
    private static final List<String> DEFAULT_SHAPES = List.of("quickstart=6,192,4,384,8,800",
            "slim=12,384,8,768,4,500");
    private static final int FEATURES = 80;
    private static final double LR = 1e-4;
    private static final double WEIGHT_DECAY = 0.01;

    private PeerBench() {
    }

    record Config(String name, int layers, int dim, int heads, int ffn, int batch, int frames) {
        static Config parse(String spec) {
            String s = spec;
            if (!s.contains("=")) {
                s = DEFAULT_SHAPES.stream().filter(d -> d.startsWith(spec + "=")).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("unknown shape " + spec
                                + "; give name=layers,dim,heads,ffn,batch,frames"));
            }
            String[] nv = s.split("=");
            int[] v = Arrays.stream(nv[1].split(",")).mapToInt(Integer::parseInt).toArray();
            return new Config(nv[0], v[0], v[1], v[2], v[3], v[4], v[5]);
        }

        String label() {
            return String.format(Locale.ROOT, "%s %dx%d h%d f%d B%d T%d", name, layers, dim, heads, ffn, batch, frames);
        }

        List<String> pythonArgs() {
            return List.of("--layers", "" + layers, "--dim", "" + dim, "--heads", "" + heads, "--ffn", "" + ffn,
                    "--features", "" + FEATURES, "--batch", "" + batch, "--frames", "" + frames);
        }
    }

    /**
     * parts: medians of forward (incl. loss), backward, optimizer update (incl. freeing the step); cpuPerStep: this
     * process's CPU seconds per timed step, all threads (steadier than wall time on a shared machine).
     */
    record Timing(double median, double mean, double forwardFlops, double firstLoss, double lastLoss,
                  double[] parts, double faultsPerStep, double cpuPerStep) {
    }

    /** Minor page faults of this process so far (Linux /proc), -1 where unavailable. */
    static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // fields after "(comm) ": state ppid pgrp session tty tpgid flags minflt ...
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU time of this process, all threads, in nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** As Python's statistics.median: the middle value, or the mean of the two middle ones. */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    public static void main(String[] args) throws Exception {
        List<String> shapes = DEFAULT_SHAPES;
        int[] threads = {1, 2};
        int steps = 10;
        int warmup = 3;
        double padding = 0.1;
        String loss = "mse";
        for (int i = 0; i < args.length; i += 2) {     // --name value pairs
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--shapes" -> shapes = List.of(value.split(";|,(?![0-9])"));
                case "--threads" -> threads = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--steps" -> steps = Integer.parseInt(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--padding" -> padding = Double.parseDouble(value);
                case "--loss" -> loss = value;
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see PeerBench's javadoc");
            }
        }
        Path dist = Path.of(System.getProperty("pretext.dist"));
        Path home = Path.of(System.getProperty("pretext.home"));
        Path script = home.resolve("bench/peer/transformer.py");
        String python = System.getProperty("pretext.python", "/usr/bin/python3");
        Path work = Files.createTempDirectory("pretext-peer-");
        List<String[]> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        // A private copy of the shipped bundles: the host watches its plugins folder, and a rebuild of the
        // distribution during a long run would otherwise swap the encoder bundle out between shapes.
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        try (var jars = Files.list(dist.resolve("plugins"))) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, plugins.resolve(jar.getFileName()));
            }
        }
        try (Host host = Host.start(dist.resolve("system"), plugins)) {
            for (int k : threads) {
                // at::set_num_threads may be called again at run time; the inter-op pool is left at DJL's setting.
                JniUtils.setNumThreads(k);
                double peak = Bench.matmulPeak(2048);
                double torchPeak = Double.NaN;
                for (String spec : shapes) {
                    Config c = Config.parse(spec);
                    double load0 = load();
                    Timing ours = trainPretext(host, work, c, steps, warmup, padding, loss);
                    List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "train"));
                    cmd.addAll(c.pythonArgs());
                    cmd.addAll(List.of("--steps", "" + steps, "--warmup", "" + warmup, "--threads", "" + k,
                            "--padding", "" + padding, "--loss", loss, "--lr", "" + LR,
                            "--weight-decay", "" + WEIGHT_DECAY));
                    if (Double.isNaN(torchPeak)) {
                        cmd.add("--peak");
                    }
                    JsonNode peer = runPython(cmd);
                    if (peer.has("matmul_peak_flops")) {
                        torchPeak = peer.get("matmul_peak_flops").asDouble();
                        notes.add(String.format(Locale.ROOT, "%d thread(s): matmul 2048^3 peak pretext/libtorch 2.7.1 "
                                        + "%.1f GFLOP/s, PyTorch %s %.1f GFLOP/s (%s)", k, peak / 1e9,
                                peer.get("torch").asText(), torchPeak / 1e9, peer.get("blas_libraries")));
                    }
                    double theirs = peer.get("median_seconds").asDouble();
                    double training = TrainingFlops.of(ours.forwardFlops());
                    rows.add(new String[]{c.label(), "" + k,
                            String.format(Locale.ROOT, "%.3f", ours.median()),
                            String.format(Locale.ROOT, "%.3f", theirs),
                            String.format(Locale.ROOT, "%.3f", ours.median() / theirs),
                            String.format(Locale.ROOT, "%.1f", training / ours.median() / 1e9),
                            String.format(Locale.ROOT, "%.0f%%", 100 * training / ours.median() / peak),
                            String.format(Locale.ROOT, "%.1f", training / theirs / 1e9),
                            String.format(Locale.ROOT, "%.0f%%", 100 * training / theirs / torchPeak),
                            String.format(Locale.ROOT, "%.2f-%.2f", load0, load())});
                    JsonNode tp = peer.get("part_medians");
                    notes.add(String.format(Locale.ROOT, "%s, %d thread(s): fwd/bwd/opt medians pretext %.3f/%.3f/%.3f s, "
                                    + "PyTorch %.3f/%.3f/%.3f s; means pretext %.3f s, PyTorch %.3f s; loss pretext "
                                    + "%.4f -> %.4f, PyTorch %.4f -> %.4f; training FLOPs/step %.1f G (3 x forward); "
                                    + "minor page faults/step pretext %.0f, PyTorch %.0f",
                            c.name(), k, ours.parts()[0], ours.parts()[1], ours.parts()[2], tp.get(0).asDouble(),
                            tp.get(1).asDouble(), tp.get(2).asDouble(), ours.mean(), peer.get("mean_seconds").asDouble(),
                            ours.firstLoss(), ours.lastLoss(), peer.get("loss_first_last").get(0).asDouble(),
                            peer.get("loss_first_last").get(1).asDouble(), training / 1e9, ours.faultsPerStep(),
                            peer.get("page_faults_per_step").asDouble()));
                    System.err.println("done: " + c.label() + ", " + k + " thread(s)");
                }
            }
        } finally {
            Bench.deleteTree(work);
        }
        String[] head = {"config", "thr", "pretext s/step", "PyTorch s/step", "ratio", "pretext GFLOP/s",
            "of peak", "PyTorch GFLOP/s", "of peak", "load"};
        System.out.println();
        System.out.println("| " + String.join(" | ", head) + " |");
        System.out.println("|" + "---|".repeat(head.length));
        for (String[] r : rows) {
            System.out.println("| " + String.join(" | ", r) + " |");
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%d steps after %d warm-up, medians; %s loss to a random target; AdamW lr %s, "
                        + "weight decay %s on matrices; mean padding %.0f%%; FLOPs from TransformerEncoder.flops "
                        + "(padding included) x 3; 'of peak' = share of each side's own matmul peak%n",
                steps, warmup, loss, LR, WEIGHT_DECAY, 100 * padding);
        notes.forEach(n -> System.out.println("- " + n));
        System.out.printf(Locale.ROOT, "%d cores, Java %s, %s %s, OMP_WAIT_POLICY=%s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Engine.getInstance().getEngineName(), Engine.getInstance().getVersion(), System.getenv("OMP_WAIT_POLICY"));
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** The encoder exactly as a recipe would build it: through the installed bundle and the config binding. */
    private static Encoder compose(Host host, Path work, Config c, FeatureSpec spec) throws IOException {
        String recipe;
        try (InputStream in = PeerBench.class.getClassLoader().getResourceAsStream("recipes/quickstart.yaml")) {
            recipe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        recipe = recipe.replaceAll("(?m)^encoder:.*$", String.format(Locale.ROOT,
                "encoder: {type: transformer, layers: %d, dim: %d, heads: %d, ffn: %d}", c.layers(), c.dim(),
                c.heads(), c.ffn()));
        LoadedRecipe loaded = LoadedRecipe.parse(Path.of("peer.yaml"), recipe);
        RunContext context = new RunContext(loaded.recipe().seed(), work, work.resolve("cache"), Device.cpu());
        return new Composer(host.registry(), loaded.source(), context).create(loaded.encoder(), Encoder.class, spec)
                .instance();
    }

    /** Same lengths rule as transformer.py's lengths_for: mean padded share about {@code padding}. */
    static int[] lengths(int batch, int frames, double padding) {
        int[] out = new int[batch];
        for (int i = 0; i < batch; i++) {
            out[i] = batch == 1 || padding <= 0 ? frames
                    : frames - (int) Math.round(2 * padding * frames * i / (batch - 1));
        }
        return out;
    }

    static Timing trainPretext(Host host, Path work, Config c, int steps, int warmup, double padding,
                                       String loss) throws IOException {
        FeatureSpec spec = new FeatureSpec(FEATURES, 100);
        Encoder encoder = compose(host, work, c, spec);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            encoder.initialize(manager, spec);
            List<Parameter> params = new ArrayList<>(encoder.block().getParameters().values());
            // Core's Recipe.Optim defaults: betas 0.9 / 0.98, eps 1e-6.
            AdamW optimizer = new AdamW(params, manager, 0.9, 0.98, 1e-6, WEIGHT_DECAY);
            ParameterStore store = new ParameterStore(manager, false);
            NDArray features = manager.randomNormal(new Shape(c.batch(), c.frames(), FEATURES));
            float[] mask = new float[c.batch() * c.frames()];
            int[] lengths = lengths(c.batch(), c.frames(), padding);
            for (int b = 0; b < c.batch(); b++) {
                Arrays.fill(mask, b * c.frames(), b * c.frames() + lengths[b], 1f);
            }
            NDArray valid = manager.create(mask, new Shape(c.batch(), c.frames()));
            NDArray target = manager.randomNormal(new Shape(c.batch(), c.frames(), c.dim()));
            double[] seconds = new double[steps];
            double[][] parts = new double[3][steps];
            double firstLoss = Double.NaN;
            double lastLoss = Double.NaN;
            long faults = 0;
            long cpu = 0;
            for (int step = 0; step < warmup + steps; step++) {
                if (step == warmup) {
                    faults = minorFaults();
                    cpu = processCpuNanos();
                }
                // A fresh sub-manager per step frees the step's intermediates (as the Trainer does). Results attach
                // to their first operand's manager, so the inputs must live in it too: otherwise every intermediate
                // lands in the long-lived manager, memory grows each step and fresh pages are faulted in.
                NDManager sm = manager.newSubManager();
                long t0;
                long t1;
                long t2;
                try {
                    NDArray stepFeatures = sm.create(features.toFloatArray(), features.getShape());
                    NDArray stepValid = sm.create(valid.toFloatArray(), valid.getShape());
                    NDArray stepTarget = sm.create(target.toFloatArray(), target.getShape());
                    t0 = System.nanoTime();
                    float value;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray diff = encoder.forward(store, stepFeatures, stepValid, true).last().sub(stepTarget);
                        NDArray l = loss.equals("l1") ? diff.abs().mean() : diff.square().mean();
                        t1 = System.nanoTime();
                        gc.backward(l);
                        value = l.getFloat();
                        t2 = System.nanoTime();
                    }
                    optimizer.update(LR, 1.0, sm);
                    firstLoss = step == 0 ? value : firstLoss;
                    lastLoss = value;
                } finally {
                    sm.close();  // inside the timed step: PyTorch frees its intermediates inside its step, too
                }
                long t3 = System.nanoTime();
                if (step >= warmup) {
                    seconds[step - warmup] = (t3 - t0) / 1e9;
                    parts[0][step - warmup] = (t1 - t0) / 1e9;
                    parts[1][step - warmup] = (t2 - t1) / 1e9;
                    parts[2][step - warmup] = (t3 - t2) / 1e9;
                }
            }
            double faultsPerStep = (double) (minorFaults() - faults) / steps;
            double cpuPerStep = (processCpuNanos() - cpu) / 1e9 / steps;
            double mean = Arrays.stream(seconds).average().orElse(Double.NaN);
            return new Timing(median(seconds), mean, encoder.flops(c.batch(), c.frames()).total(), firstLoss,
                    lastLoss, new double[]{median(parts[0]), median(parts[1]), median(parts[2])}, faultsPerStep, cpuPerStep);
        }
    }

    private static JsonNode runPython(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IllegalStateException("peer exited with " + rc + ": " + String.join(" ", cmd));
        }
        return Json.COMPACT.readTree(out.toString(StandardCharsets.UTF_8));
    }
}
