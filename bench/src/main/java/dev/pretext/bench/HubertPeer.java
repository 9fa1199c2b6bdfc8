package dev.pretext.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.pretext.api.RunContext;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.model.Objective;
import dev.pretext.api.model.ObjectiveResult;
import dev.pretext.api.model.TrainingBatch;
import dev.pretext.core.model.UpstreamModel;
import dev.pretext.core.recipe.LoadedRecipe;
import dev.pretext.core.TrainingFlops;
import dev.pretext.core.plugins.ComposedRun;
import dev.pretext.core.train.AdamW;
import dev.pretext.core.train.BudgetMeter;
import dev.pretext.core.train.MeteredCall;
import dev.pretext.core.train.Trainer;
import dev.pretext.launcher.Host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The HuBERT rows of {@code bench/run peer}: pretext's hubert objective on a Transformer body, composed from a recipe
 * through the installed bundles as a training run composes it, against torchaudio's HuBERT pre-training model
 * ({@code bench/peer/hubert.py}) at a matched config. Two frontends: {@code cnn} (pretext's waveform-cnn against
 * torchaudio's convolutional feature extractor, on 16 kHz audio) and {@code fbank} (80-bin log-mel frames at 100 Hz
 * on both sides; torchaudio's feature projection, LayerNorm + Linear, against pretext's {@code projection_norm}).
 * The batch is fixed (noise at speech-like scale, random labels from 100 classes, no padding); each side draws its
 * own masks every step.
 */
final class HubertPeer {
    /** The config: 4 layers x 256, 4 heads, FFN 1024, batch 4 x 4 s. */
    record Config(String frontend, int layers, int dim, int heads, int ffn, int batch, double seconds, int classes,
                  int finalDim, double maskProb, int span, int channels) {
        static Config of(String frontend) {
            if (!frontend.equals("cnn") && !frontend.equals("fbank")) {
                throw new IllegalArgumentException("HuBERT frontends are cnn and fbank, got " + frontend);
            }
            return new Config(frontend, 4, 256, 4, 1024, 4, 4.0, 100, 256, 0.8, 10, 512);
        }

        boolean cnn() {
            return frontend.equals("cnn");
        }

        /** Frames the frontend hands the body: 50 Hz for the CNN, 100 Hz for fbank. */
        int frames() {
            return (int) Math.round(seconds * (cnn() ? 50 : 100));
        }

        /** Torchaudio counts its mask span in output frames: HuBERT's 10 x 20 ms is 20 frames at 100 Hz. */
        int peerSpan() {
            return cnn() ? span : 2 * span;
        }

        String label() {
            return String.format(Locale.ROOT, "hubert-%s %dx%d h%d f%d B%d x %.0f s (%d frames), %d classes",
                    frontend, layers, dim, heads, ffn, batch, seconds, frames(), classes);
        }

        List<String> pythonArgs() {
            return List.of("--frontend", frontend, "--layers", "" + layers, "--dim", "" + dim, "--heads", "" + heads,
                    "--ffn", "" + ffn, "--batch", "" + batch, "--seconds", "" + seconds, "--classes", "" + classes,
                    "--final-dim", "" + finalDim, "--mask-prob", "" + maskProb, "--mask-length", "" + peerSpan(),
                    "--channels", "" + channels);
        }

        String recipe(Path targets) throws IOException {
            String text;
            try (InputStream in = HubertPeer.class.getClassLoader().getResourceAsStream("recipes/quickstart.yaml")) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            text = text.replaceAll("(?m)^augment:\\n(  - .*\\n)+", "");
            text = text.replaceAll("(?m)^frontend:.*$", cnn()
                    ? "frontend: {type: waveform-cnn, channels: " + channels + "}"
                    : "frontend: {type: fbank, bins: 80}");
            text = text.replaceAll("(?m)^encoder:.*$", String.format(Locale.ROOT,
                    "encoder: {type: transformer, layers: %d, dim: %d, heads: %d, ffn: %d, norm: post, positions: conv"
                            + "%s}", layers, dim, heads, ffn, cnn() ? "" : ", projection_norm: true"));
            return text.replaceAll("(?m)^objective:.*$", String.format(Locale.ROOT,
                    "objective: {type: hubert, targets: '%s', clusters: %d, mask_prob: %s, span: %d, final_dim: %d}",
                    targets, classes, maskProb, span, finalDim));
        }
    }

    private HubertPeer() {
    }

    /** A targets folder with random labels for the batch's rows (ids u0, u1, ...), at the frontend's rate. */
    static Path targets(Path dir, Config c) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(11);
        List<String> km = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int b = 0; b < c.batch(); b++) {
            StringBuilder line = new StringBuilder();
            for (int t = 0; t < c.frames(); t++) {
                line.append(t == 0 ? "" : " ").append(random.nextInt(c.classes()));
            }
            km.add(line.toString());
            ids.add("u" + b + "\t" + c.frames());
        }
        Files.write(dir.resolve("labels.km"), km);
        Files.write(dir.resolve("utterances.tsv"), ids);
        Files.writeString(dir.resolve("targets.json"), String.format(Locale.ROOT, "{\"format\": \"pretext-targets/1\", "
                        + "\"feature_kind\": \"random\", \"feature_dim\": 1, \"label_rate\": %d, \"clusters\": %d, "
                        + "\"seed\": 11, \"passes\": 0, \"sample_frames\": 0, \"utterances\": %d, \"frames\": %d, "
                        + "\"mean_squared_distance\": 0.0, \"quality\": null}%n", c.cnn() ? 50 : 100, c.classes(),
                c.batch(), c.batch() * c.frames()));
        return dir;
    }

    /** Training steps of pretext's side, as {@link PeerBench#trainPretext}: forward, backward, AdamW, per-step manager. */
    static PeerBench.Timing train(Host host, Path work, Config c, int steps, int warmup, double lr, double weightDecay)
            throws IOException {
        Path dir = Files.createDirectories(work.resolve("hubert-" + c.frontend()));
        Path targets = targets(dir.resolve("targets"), c);
        LoadedRecipe loaded = LoadedRecipe.parse(dir.resolve("peer-hubert.yaml"), c.recipe(targets));
        RunContext context = new RunContext(loaded.recipe().seed(), dir, dir.resolve("cache"), Device.cpu());
        ComposedRun run = ComposedRun.compose(loaded, host.registry(), context);
        UpstreamModel model = run.model();
        Objective objective = run.objective().instance();
        int frames = c.frames();
        int width = c.cnn() ? 320 : 80;
        List<Utterance> utterances = new ArrayList<>();
        for (int b = 0; b < c.batch(); b++) {
            utterances.add(new Utterance("u" + b, dir.resolve("u" + b + ".wav"), c.seconds(), null, null, null));
        }
        int[] lengths = new int[c.batch()];
        Arrays.fill(lengths, frames);
        try (NDManager manager = NDManager.newBaseManager()) {
            List<Parameter> params = Trainer.initialize(model, objective, manager, loaded.recipe().seed());
            AdamW optimizer = new AdamW(params, manager, 0.9, 0.98, 1e-6, weightDecay);
            ParameterStore store = new ParameterStore(manager, false);
            Engine.getInstance().setRandomSeed(2);
            NDArray normal = manager.randomNormal(new Shape(c.batch(), frames, width));
            float[] features = (c.cnn() ? normal.mul(0.1f) : normal).toFloatArray();
            float[] valid = new float[c.batch() * frames];
            Arrays.fill(valid, 1f);
            BudgetMeter meter = new BudgetMeter();
            double[] seconds = new double[steps];
            double[][] parts = new double[4][steps];
            double firstLoss = Double.NaN;
            double lastLoss = Double.NaN;
            double flops = 0;
            long faults = 0;
            long cpu = 0;
            for (int step = 0; step < warmup + steps; step++) {
                if (step == warmup) {
                    faults = PeerBench.minorFaults();
                    cpu = PeerBench.processCpuNanos();
                }
                NDManager sm = manager.newSubManager();
                long t0;
                long t1;
                long t2;
                long tu;
                try {
                    NDArray x = sm.create(features, new Shape(c.batch(), frames, width));
                    NDArray v = sm.create(valid, new Shape(c.batch(), frames));
                    TrainingBatch batch = new TrainingBatch(x, v, lengths, utterances, sm, new SplittableRandom(step));
                    t0 = System.nanoTime();
                    float value;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        MeteredCall call = new MeteredCall(model, store, null, meter, true);
                        ObjectiveResult result = objective.forward(batch, call, store, meter, true);
                        t1 = System.nanoTime();
                        gc.backward(result.loss());
                        value = result.loss().getFloat();
                        t2 = System.nanoTime();
                    }
                    long tu0 = System.nanoTime();
                    optimizer.update(lr, 1.0);
                    tu = System.nanoTime() - tu0;
                    firstLoss = step == 0 ? value : firstLoss;
                    lastLoss = value;
                } finally {
                    sm.close();
                }
                long t3 = System.nanoTime();
                flops = meter.takeStep();
                if (step >= warmup) {
                    seconds[step - warmup] = (t3 - t0) / 1e9;
                    parts[0][step - warmup] = (t1 - t0) / 1e9;
                    parts[1][step - warmup] = (t2 - t1) / 1e9;
                    parts[2][step - warmup] = tu / 1e9;
                    parts[3][step - warmup] = (t3 - t2 - tu) / 1e9;
                }
            }
            double faultsPerStep = (double) (PeerBench.minorFaults() - faults) / steps;
            double cpuPerStep = (PeerBench.processCpuNanos() - cpu) / 1e9 / steps;
            double mean = Arrays.stream(seconds).average().orElse(Double.NaN);
            // The meter already charges 3 x forward for trained parts: report forward FLOPs as the Transformer rows do.
            return new PeerBench.Timing(PeerBench.median(seconds), mean, flops / TrainingFlops.PER_FORWARD, firstLoss, lastLoss,
                    new double[]{PeerBench.median(parts[0]), PeerBench.median(parts[1]), PeerBench.median(parts[2]),
                            PeerBench.median(parts[3])},
                    faultsPerStep, cpuPerStep);
        }
    }
}
