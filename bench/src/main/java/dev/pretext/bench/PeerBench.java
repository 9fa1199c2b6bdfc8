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
 * <p>Then the HuBERT rows ({@link HubertPeer}): pretext's hubert objective with the waveform-cnn or the fbank frontend
 * against torchaudio's HuBERT pre-training model at a matched config (bench/peer/hubert.py). Every row's FLOP/s is
 * set against the best 2048^3 fp32 matrix product of either library measured in the same run, and carries each
 * side's minor page faults per step and peak RSS.
 *
 * <p>Arguments: {@code [--shapes quickstart,slim|none] [--hubert cnn,fbank|none] [--threads 1,2] [--steps 10]
 * [--warmup 3] [--padding 0.1] [--loss mse|l1]}. A shape is a name below or
 * {@code name=layers,dim,heads,ffn,batch,frames}.
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
     * parts: medians of forward (incl. loss), backward, the optimizer update alone, and freeing the step;
     * cpuPerStep: this process's CPU seconds per timed step, all threads (steadier than wall time on a shared machine).
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
        List<String> hubert = List.of("cnn", "fbank");
        int[] threads = {1, 2};
        int steps = 10;
        int warmup = 3;
        double padding = 0.1;
        String loss = "mse";
        for (int i = 0; i < args.length; i += 2) {     // --name value pairs
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--shapes" -> shapes = value.equals("none") ? List.of() : List.of(value.split(";|,(?![0-9])"));
                case "--hubert" -> hubert = value.equals("none") ? List.of() : List.of(value.split(","));
                case "--threads" -> threads = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--steps" -> steps = Integer.parseInt(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--padding" -> padding = Double.parseDouble(value);
                case "--loss" -> loss = value;
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see PeerBench's javadoc");
            }
        }
        hubert.forEach(HubertPeer.Config::of);   // unknown frontends fail before anything runs
        Path dist = Path.of(System.getProperty("pretext.dist"));
        Path home = Path.of(System.getProperty("pretext.home"));
        Path script = home.resolve("bench/peer/transformer.py");
        Path hubertScript = home.resolve("bench/peer/hubert.py");
        String python = System.getProperty("pretext.python",
                System.getenv().getOrDefault("PRETEXT_PYTHON", "/usr/bin/python3"));
        checkPython(python, !hubert.isEmpty());
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
                // The reference for every row: the best fp32 2048^3 product either library reaches here, now.
                double ours = Bench.matmulPeak(2048);
                JsonNode torchPeak = runPython(List.of(python, script.toString(), "peak", "--threads", "" + k));
                double theirs = torchPeak.get("matmul_peak_flops").asDouble();
                double best = Math.max(ours, theirs);
                notes.add(String.format(Locale.ROOT, "%d thread(s): matmul 2048^3 fp32 best of 6, libtorch 2.7.1 "
                                + "through DJL %.1f GFLOP/s, PyTorch %.1f GFLOP/s (%s); '%% of best' divides by %.1f",
                        k, ours / 1e9, theirs / 1e9, torchPeak.get("blas_libraries"), best / 1e9));
                for (String spec : shapes) {
                    Config c = Config.parse(spec);
                    double load0 = load();
                    MklBench.resetPeakRss();
                    Timing mine = trainPretext(host, work, c, steps, warmup, padding, loss);
                    long rss = MklBench.peakRss();
                    List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "train"));
                    cmd.addAll(c.pythonArgs());
                    cmd.addAll(List.of("--steps", "" + steps, "--warmup", "" + warmup, "--threads", "" + k,
                            "--padding", "" + padding, "--loss", loss, "--lr", "" + LR,
                            "--weight-decay", "" + WEIGHT_DECAY));
                    JsonNode peer = runPython(cmd);
                    rows.add(row(c.label(), k, mine, rss, peer, best, load0));
                    JsonNode tp = peer.get("part_medians");
                    notes.add(String.format(Locale.ROOT, "%s, %d thread(s): fwd/bwd/opt/free medians pretext "
                                    + "%.3f/%.3f/%.3f/%.3f s, "
                                    + "PyTorch %.3f/%.3f/%.3f s; means pretext %.3f s, PyTorch %.3f s; loss pretext "
                                    + "%.4f -> %.4f, PyTorch %.4f -> %.4f; training FLOPs/step %.1f G (3 x forward)",
                            c.name(), k, mine.parts()[0], mine.parts()[1], mine.parts()[2], mine.parts()[3],
                            tp.get(0).asDouble(),
                            tp.get(1).asDouble(), tp.get(2).asDouble(), mine.mean(), peer.get("mean_seconds").asDouble(),
                            mine.firstLoss(), mine.lastLoss(), peer.get("loss_first_last").get(0).asDouble(),
                            peer.get("loss_first_last").get(1).asDouble(), TrainingFlops.of(mine.forwardFlops()) / 1e9));
                    System.err.println("done: " + c.label() + ", " + k + " thread(s)");
                }
                for (String frontend : hubert) {
                    HubertPeer.Config c = HubertPeer.Config.of(frontend);
                    double load0 = load();
                    MklBench.resetPeakRss();
                    Timing mine = HubertPeer.train(host, work, c, steps, warmup, LR, WEIGHT_DECAY);
                    long rss = MklBench.peakRss();
                    List<String> cmd = new ArrayList<>(List.of(python, hubertScript.toString(), "train"));
                    cmd.addAll(c.pythonArgs());
                    cmd.addAll(List.of("--steps", "" + steps, "--warmup", "" + warmup, "--threads", "" + k,
                            "--lr", "" + LR, "--weight-decay", "" + WEIGHT_DECAY));
                    JsonNode peer = runPython(cmd);
                    rows.add(row(c.label(), k, mine, rss, peer, best, load0));
                    JsonNode tp = peer.get("part_medians");
                    notes.add(String.format(Locale.ROOT, "%s, %d thread(s): fwd/bwd/opt/free medians pretext "
                                    + "%.3f/%.3f/%.3f/%.3f s, "
                                    + "torchaudio %.3f/%.3f/%.3f s; loss pretext %.4f -> %.4f, torchaudio %.4f -> %.4f; "
                                    + "torchaudio masked %.0f%% of %d frames; training FLOPs/step %.1f G (pretext's "
                                    + "count, 3 x forward, used for both sides)",
                            c.label(), k, mine.parts()[0], mine.parts()[1], mine.parts()[2], mine.parts()[3],
                            tp.get(0).asDouble(),
                            tp.get(1).asDouble(), tp.get(2).asDouble(), mine.firstLoss(), mine.lastLoss(),
                            peer.get("loss_first_last").get(0).asDouble(), peer.get("loss_first_last").get(1).asDouble(),
                            100 * peer.get("masked_share").asDouble(), peer.get("frames").asInt(),
                            TrainingFlops.of(mine.forwardFlops()) / 1e9));
                    System.err.println("done: " + c.label() + ", " + k + " thread(s)");
                }
            }
        } finally {
            Bench.deleteTree(work);
        }
        List<String> head = List.of("shape", "thr", "pretext s/step", "peer s/step", "ratio", "pretext GFLOP/s",
                "% of best matmul", "peer GFLOP/s", "% of best matmul", "CPU-s/step pretext", "CPU-s/step peer",
                "faults/step pretext", "faults/step peer",
                "peak RSS GB pretext", "peak RSS GB peer", "load");
        System.out.println();
        Bench.printTable(head, rows);
        System.out.println();
        System.out.printf(Locale.ROOT, "%d steps after %d warm-up, medians; peer = plain PyTorch (bench/peer/transformer.py: "
                        + "%s loss to a random target, mean padding %.0f%%) or torchaudio's HuBERT (bench/peer/hubert.py); "
                        + "AdamW lr %s, weight decay %s on matrices; GFLOP/s = pretext's own FLOP count of the step "
                        + "(padding included, 3 x forward) over each side's step time; '%% of best matmul' = that over the "
                        + "best 2048^3 fp32 product of either library in this run; CPU-s = each process's CPU seconds per timed "
                        + "step, all threads (steadier than wall time on a shared machine); faults = minor page faults per "
                        + "timed step; peak RSS = the pretext JVM's high-water mark during that row (reset before it, JVM and "
                        + "engine included) and the peer process's%n",
                steps, warmup, loss, 100 * padding, LR, WEIGHT_DECAY);
        notes.forEach(n -> System.out.println("- " + n));
        System.out.printf(Locale.ROOT, "%d cores, %s, Java %s, %s %s, OMP_WAIT_POLICY=%s, GLIBC_TUNABLES=%s%n",
                Runtime.getRuntime().availableProcessors(), MklBench.cpu(), System.getProperty("java.version"),
                Engine.getInstance().getEngineName(), Engine.getInstance().getVersion(), System.getenv("OMP_WAIT_POLICY"),
                System.getenv("GLIBC_TUNABLES"));
    }

    private static String[] row(String label, int threads, Timing mine, long rss, JsonNode peer, double best,
                                double load0) {
        double theirs = peer.get("median_seconds").asDouble();
        double training = TrainingFlops.of(mine.forwardFlops());
        return new String[]{label, "" + threads,
            String.format(Locale.ROOT, "%.3f", mine.median()),
            String.format(Locale.ROOT, "%.3f", theirs),
            String.format(Locale.ROOT, "%.3f", mine.median() / theirs),
            String.format(Locale.ROOT, "%.1f", training / mine.median() / 1e9),
            String.format(Locale.ROOT, "%.0f%%", 100 * training / mine.median() / best),
            String.format(Locale.ROOT, "%.1f", training / theirs / 1e9),
            String.format(Locale.ROOT, "%.0f%%", 100 * training / theirs / best),
            String.format(Locale.ROOT, "%.3f", mine.cpuPerStep()),
            String.format(Locale.ROOT, "%.3f", peer.get("cpu_seconds_per_step").asDouble()),
            String.format(Locale.ROOT, "%.0f", mine.faultsPerStep()),
            String.format(Locale.ROOT, "%.0f", peer.get("page_faults_per_step").asDouble()),
            String.format(Locale.ROOT, "%.2f", rss / 1e9),
            String.format(Locale.ROOT, "%.2f", peer.get("peak_rss_bytes").asDouble() / 1e9),
            String.format(Locale.ROOT, "%.2f-%.2f", load0, load())};
    }

    /** Fails early, saying how to get them, when Debian's PyTorch (and torchaudio for the HuBERT rows) are missing. */
    private static void checkPython(String python, boolean torchaudio) throws IOException, InterruptedException {
        String probe = torchaudio ? "import torch, torchaudio" : "import torch";
        Process p = new ProcessBuilder(python, "-c", probe).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("bench/run peer needs PyTorch" + (torchaudio ? " and torchaudio" : "")
                    + " for " + python + " (" + out.lines().reduce((a, b) -> b).orElse("") + "): apt-get update && "
                    + "apt-get install -y python3-torch python3-torchaudio libopenblas0-openmp (./run-tests installs "
                    + "them too); another interpreter: PRETEXT_PYTHON=PATH; without the HuBERT rows: --hubert none");
        }
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
            double[][] parts = new double[4][steps];
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
                long tu;
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
                    long tu0 = System.nanoTime();
                    optimizer.update(LR, 1.0);
                    tu = System.nanoTime() - tu0;
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
                    parts[2][step - warmup] = tu / 1e9;
                    parts[3][step - warmup] = (t3 - t2 - tu) / 1e9;
                }
            }
            double faultsPerStep = (double) (minorFaults() - faults) / steps;
            double cpuPerStep = (processCpuNanos() - cpu) / 1e9 / steps;
            double mean = Arrays.stream(seconds).average().orElse(Double.NaN);
            return new Timing(median(seconds), mean, encoder.flops(c.batch(), c.frames()).total(), firstLoss,
                    lastLoss, new double[]{median(parts[0]), median(parts[1]), median(parts[2]), median(parts[3])},
                    faultsPerStep, cpuPerStep);
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
