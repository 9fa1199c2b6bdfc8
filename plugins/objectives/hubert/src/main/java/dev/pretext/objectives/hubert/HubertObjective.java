package dev.pretext.objectives.hubert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.pretext.api.RunContext;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.data.Dataset;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.model.EncoderCall;
import dev.pretext.api.model.EncoderOutput;
import dev.pretext.api.model.FlopCount;
import dev.pretext.api.model.FlopMeter;
import dev.pretext.api.model.FrameFeatures;
import dev.pretext.api.model.FrontendOutput;
import dev.pretext.api.model.NetworkShape;
import dev.pretext.api.model.Objective;
import dev.pretext.api.model.ObjectiveResult;
import dev.pretext.api.model.Preparation;
import dev.pretext.api.model.TrainingBatch;
import dev.pretext.objectives.hubert.targets.FrameSource;
import dev.pretext.objectives.hubert.targets.TargetSettings;
import dev.pretext.objectives.hubert.targets.Targets;
import dev.pretext.objectives.hubert.targets.TargetsBuilder;
import dev.pretext.objectives.support.SpanMask;
import jakarta.inject.Inject;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * HuBERT (Hsu et al. 2021): spans of what the frontend hands the body are replaced by a learned mask embedding (see
 * {@link SpanMask.Placement#OVERLAPPING}), the body encodes the result, a final projection of the last hidden state
 * is compared by cosine similarity with one learned embedding per cluster (divided by a temperature), and cross-entropy against the
 * frame's k-means label is averaged over the masked frames, plus {@code unmasked_weight} times its average over the
 * unmasked ones.
 *
 * <p>Labels come from a targets folder ({@link Targets}), read once. A row's labels are read from where its audio
 * starts ({@link TrainingBatch#startSeconds()}), at the frontend's frame rate. Frames past an utterance's last label
 * (a frame or two at the end) are left out of the loss.
 *
 * <p>Metrics: {@code masked_accuracy} (share of masked, labelled frames whose most similar cluster is the label) and
 * {@code masked_frames} (share of real frames masked).
 */
public final class HubertObjective implements Objective {
    /** Frames an utterance's labels may cover more or fewer than its audio. */
    static final int FRAME_SLACK = 2;
    /** Utterances named in an error message. */
    private static final int NAMED = 5;

    private final HubertConfig config;
    private final long seed;
    private final Path dir;
    private final double frameRate;
    private Targets targets;
    private int clusters;
    private LabelGrid grid;
    private HubertHead head;

    @Inject
    public HubertObjective(HubertConfig config, FeatureSpec input, RunContext context) {
        this(config, input, context.seed());
    }

    /** For tests: targets made by the preparation use {@code seed}. */
    public HubertObjective(HubertConfig config, FeatureSpec input) {
        this(config, input, 0L);
    }

    private HubertObjective(HubertConfig config, FeatureSpec input, long seed) {
        this.config = config;
        this.seed = seed;
        try {
            dir = Path.of(config.targets()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("targets '" + config.targets() + "' is not a valid folder path: "
                    + e.getReason());
        }
        this.frameRate = input.frameRateHz();
        // Targets that exist are checked now, when the recipe is put together; missing ones are made by the
        // preparation before training (see preparation()).
        if (Files.exists(dir.resolve(Targets.INFO))) {
            targets();
        }
    }

    /** The targets, read (and checked) on first use. */
    public synchronized Targets targets() {
        if (targets == null) {
            Targets read = Targets.read(dir);
            int k = read.info().clusters();
            if (config.clusters() != null && config.clusters() != k) {
                throw new IllegalArgumentException("clusters is " + config.clusters() + " but the targets in " + dir
                        + " have " + k + " clusters (" + read.info().featureKind() + " features); make targets "
                        + "with --clusters " + config.clusters() + " or set clusters: " + k);
            }
            for (Map.Entry<String, int[]> e : read.labels().entrySet()) {
                for (int label : e.getValue()) {
                    if (label < 0 || label >= k) {
                        throw new IllegalArgumentException("utterance " + e.getKey() + " has label " + label + " in "
                                + dir + " but targets.json says there are " + k + " clusters (labels 0.." + (k - 1)
                                + "); the folder is inconsistent: make it again");
                    }
                }
            }
            this.grid = LabelGrid.of(read.info().labelRate(), frameRate);
            this.clusters = k;
            this.targets = read;
        }
        return targets;
    }

    /** Makes the targets folder when it is missing: k-means over MFCC (or given features) of the training data. */
    @Override
    public Optional<Preparation> preparation() {
        return Optional.of(new Preparation() {
            @Override
            public String describe() {
                return (config.clusters() != null ? config.clusters() : TargetSettings.DEFAULT_CLUSTERS)
                        + " k-means targets in " + dir;
            }

            @Override
            public boolean done() {
                return Files.exists(dir.resolve(Targets.INFO));
            }

            @Override
            public void run(List<Utterance> training, Dataset audio, FrameFeatures frames, Consumer<String> log) {
                TargetSettings settings = TargetSettings.defaults(seed).withClusters(
                        config.clusters() != null ? config.clusters() : TargetSettings.DEFAULT_CLUSTERS);
                if (frames == null) {
                    TargetsBuilder.build(training, audio::audio, settings, dir, log);
                } else {
                    TargetsBuilder.build(training, FrameSource.of(frames), settings, dir, log);
                }
                synchronized (HubertObjective.this) {
                    targets = null;
                }
                targets();
            }
        });
    }

    public HubertConfig config() {
        return config;
    }


    /**
     * Checks, before training, that every training utterance has labels that span its audio: names a few
     * utterances without labels and how many there are, or the first utterance whose label count differs from its
     * frame count by more than {@value #FRAME_SLACK} frames.
     *
     * @throws IllegalArgumentException with what is wrong and what to do
     */
    @Override
    public void check(NetworkShape network, List<Utterance> training) {
        checkData(training);
    }

    public void checkData(List<Utterance> training) {
        List<String> missing = new ArrayList<>();
        Targets targets = targets();
        for (Utterance u : training) {
            if (!targets.labels().containsKey(u.id())) {
                missing.add(u.id());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(missing.size() + " of " + training.size() + " training utterances "
                    + "have no labels in " + targets.dir() + ", e.g. " + String.join(", ",
                    missing.subList(0, Math.min(NAMED, missing.size()))) + "; make the targets from this recipe's "
                    + "training data: `pretext targets <recipe> --force`");
        }
        for (Utterance u : training) {
            int[] labels = targets.labels().get(u.id());
            double covered = grid.framesCovered(labels.length);
            // a hair of slack so that 5.1 s at 100 Hz is 510 frames, not 509.99...
            double frames = Math.floor(u.seconds() * grid.frameRate() + 1e-9);
            if (Math.abs(covered - frames) > FRAME_SLACK) {
                throw new IllegalArgumentException("utterance " + u.id() + " lasts " + u.seconds() + " s ("
                        + (long) frames + " frames at " + grid.frameRate() + " Hz) but its " + labels.length
                        + " labels in " + targets.dir() + " cover " + Math.round(covered) + " frames; the targets "
                        + "were made from other audio: make them again from this recipe's training data");
            }
        }
    }

    @Override
    public Block block() {
        if (head == null) {
            throw new IllegalStateException("initialize the hubert objective before asking for its block");
        }
        return head;
    }

    @Override
    public void initialize(NDManager manager, NetworkShape network) {
        FeatureSpec frontendOutput = network.frontendOutput();
        grid = LabelGrid.of(targets().info().labelRate(), frontendOutput.frameRateHz());
        head = new HubertHead(frontendOutput.dim(), network.dim(), config.finalDim(), clusters);
        head.initialize(manager, DataType.FLOAT32, new Shape(1, 1, network.dim()), new Shape());
    }

    /** Label per frame of the batch ([rows x frames], -1 where there is none), from each row's start. */
    int[] targetsFor(TrainingBatch batch, int[] lengths, int frames) {
        int[] out = new int[lengths.length * frames];
        java.util.Arrays.fill(out, -1);
        for (int b = 0; b < lengths.length; b++) {
            Utterance u = batch.utterances().get(b);
            int[] labels = targets().labels().get(u.id());
            if (labels == null) {
                throw new IllegalArgumentException("utterance " + u.id() + " has no labels in " + targets.dir()
                        + "; make the targets from this recipe's training data");
            }
            double start = batch.startSeconds()[b];
            for (int t = 0; t < lengths[b]; t++) {
                int i = grid.labelIndex(start, t);
                if (i >= 0 && i < labels.length) {
                    out[b * frames + t] = labels[i];
                }
            }
        }
        return out;
    }

    @Override
    public ObjectiveResult forward(TrainingBatch batch, EncoderCall encoder, ParameterStore parameters,
                                   FlopMeter meter, boolean training) {
        if (head == null) {
            throw new IllegalStateException("initialize the hubert objective before the first forward pass");
        }
        NDManager manager = batch.manager();
        FrontendOutput front = encoder.frontend(batch.features(), batch.valid());
        NDArray x = front.features();
        Shape shape = x.getShape();
        if (shape.dimension() != 3 || shape.get(2) != head.inputDim()) {
            throw new IllegalArgumentException("hubert expects frontend output [batch, frames, " + head.inputDim()
                    + "], got " + shape);
        }
        int size = (int) shape.get(0);
        int frames = (int) shape.get(1);
        int[] lengths = SpanMask.lengths(front.valid().toType(DataType.FLOAT32, false).toFloatArray(), size,
                frames);
        int[] target = targetsFor(batch, lengths, frames);
        int span = config.spanFrames(grid.frameRate());
        float[] mask = SpanMask.draw(lengths, frames, config.maskProb(), span, SpanMask.Placement.OVERLAPPING, batch.rng())
                .masked();

        float[] maskedWeight = new float[mask.length];
        float[] unmaskedWeight = new float[mask.length];
        long[] index = new long[mask.length];
        int masked = 0;
        int unmasked = 0;
        int realFrames = 0;
        int maskedReal = 0;
        for (int b = 0; b < size; b++) {
            realFrames += lengths[b];
            for (int t = 0; t < lengths[b]; t++) {
                int at = b * frames + t;
                maskedReal += mask[at] > 0 ? 1 : 0;
                if (target[at] < 0) {
                    continue;
                }
                index[at] = target[at];
                if (mask[at] > 0) {
                    maskedWeight[at] = 1f;
                    masked++;
                } else {
                    unmaskedWeight[at] = 1f;
                    unmasked++;
                }
            }
        }

        NDArray maskColumn = manager.create(mask, new Shape(size, frames, 1));
        NDArray embedding = head.maskEmbedding(parameters, x.getDevice(), training)
                .reshape(1, 1, head.inputDim());
        NDArray input = x.mul(maskColumn.neg().add(1f)).add(maskColumn.mul(embedding));
        EncoderOutput encoded = encoder.body(input, front.valid());
        NDArray hidden = encoded.last();
        if (hidden.getShape().get(2) != head.encoderDim()) {
            throw new IllegalStateException("the encoder returned width " + hidden.getShape().get(2)
                    + " but the hubert head was initialised for " + head.encoderDim());
        }
        NDArray inverseTemperature = manager.create((float) (1.0 / config.temperature()));
        NDArray logits = head.forward(parameters, new NDList(hidden, inverseTemperature), training).head();
        NDArray logProbabilities = logits.logSoftmax(2);
        NDArray picked = logProbabilities.gather(manager.create(index, new Shape(size, frames, 1)), 2)
                .reshape(size, frames);
        NDArray loss = picked.mul(manager.create(maskedWeight, new Shape(size, frames)))
                .sum().mul(manager.create(-1f / Math.max(1, masked)));
        if (config.unmaskedWeight() > 0) {
            NDArray rest = picked.mul(manager.create(unmaskedWeight, new Shape(size, frames))).sum()
                    .mul(manager.create((float) (-config.unmaskedWeight() / Math.max(1, unmasked))));
            loss = loss.add(rest);
        }

        long[] predicted = logits.argMax(2).toLongArray();
        int correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (maskedWeight[i] > 0 && predicted[i] == index[i]) {
                correct++;
            }
        }
        meter.record(headFlops(size, frames), training);
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        metrics.put("masked_accuracy", manager.create(masked == 0 ? 0f : correct / (float) masked));
        metrics.put("masked_frames", manager.create(realFrames == 0 ? 0f : maskedReal / (float) realFrames));
        return new ObjectiveResult(loss, metrics);
    }

    /**
     * Forward FLOPs of the objective's own work for a padded batch: the mask blend (3 per input value), the
     * projection, the unit-length scaling of projections and embeddings (4 per value), the similarity matmul and
     * temperature, and log-softmax with the pick (about 5 per logit).
     */
    FlopCount headFlops(int batch, int frames) {
        double n = (double) batch * frames;
        double d = head.encoderDim();
        double p = head.finalDim();
        double c = head.clusters();
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("objective.hubert.mask", 3 * n * head.inputDim());
        parts.put("objective.hubert.projection", 2 * n * d * p + n * p);
        parts.put("objective.hubert.similarity", 4 * n * p + 4 * c * p + 2 * n * p * c + n * c);
        parts.put("objective.hubert.loss", 5 * n * c);
        return new FlopCount(parts);
    }
}
