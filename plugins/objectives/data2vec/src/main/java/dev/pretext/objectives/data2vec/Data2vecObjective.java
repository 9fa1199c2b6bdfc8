package dev.pretext.objectives.data2vec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.pretext.api.model.EncoderCall;
import dev.pretext.api.model.EncoderOutput;
import dev.pretext.api.model.FlopCount;
import dev.pretext.api.model.FlopMeter;
import dev.pretext.api.model.FrontendOutput;
import dev.pretext.api.model.NetworkShape;
import dev.pretext.api.model.Objective;
import dev.pretext.api.model.ObjectiveResult;
import dev.pretext.api.model.TeacherSchedule;
import dev.pretext.api.model.TrainingBatch;
import dev.pretext.objectives.support.SpanMask;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * data2vec for speech: the student (the encoder body) sees the frontend's output with spans replaced by a learned
 * mask embedding (see {@link SpanMask}); the teacher, an exponential moving average of the body that the core
 * keeps, sees the same frames unmasked. The targets are the average of the teacher's top K layer outputs, each
 * instance-normalised over the real frames of its utterance; a linear head on the student's last hidden state
 * regresses them at the masked frames. L2 loss: the squared error summed over the D channels, divided by sqrt(D)
 * and averaged over masked frames (data2vec's scaling); smooth L1 likewise.
 *
 * <p>Metrics: {@code masked_frames} (share of real frames masked), {@code target_std} and {@code prediction_std}
 * (per-channel standard deviation over the masked frames, averaged: a collapsing teacher shows as target_std
 * falling towards 0), {@code teacher_layers} (K after clipping to the depth).
 */
public final class Data2vecObjective implements Objective {
    /** Per element: mean, centre, square, sum, divide, root, normalise, plus the average's add. */
    static final double TARGET_FLOPS_PER_ELEMENT = 8;
    /** Per element of a masked frame: subtract, square (or abs/min/combine), sum. */
    static final double LOSS_FLOPS_PER_ELEMENT = 4;
    /** Per element: keep, replace, add. */
    static final double MASK_FLOPS_PER_ELEMENT = 3;
    static final float INSTANCE_NORM_EPS = 1e-5f;

    private final Data2vecConfig config;
    private final Data2vecHeads heads = new Data2vecHeads();
    private int frontendDim;
    private double frameRate;
    private int encoderDim;

    @Inject
    public Data2vecObjective(Data2vecConfig config) {
        this.config = config;
    }

    public Data2vecConfig config() {
        return config;
    }

    @Override
    public Block block() {
        return heads;
    }

    @Override
    public Optional<TeacherSchedule> teacher() {
        return Optional.of(new TeacherSchedule(config.emaDecay().get(0), config.emaDecay().get(1), config.emaRamp()));
    }

    @Override
    public void initialize(NDManager manager, NetworkShape network) {
        this.frontendDim = network.frontendOutput().dim();
        this.frameRate = network.frontendOutput().frameRateHz();
        this.encoderDim = network.dim();
        heads.build(encoderDim);
        heads.initialize(manager, DataType.FLOAT32, new Shape(1, 1, frontendDim), new Shape(1, 1, encoderDim));
    }

    /** Mask span in frames of the frontend's output. */
    int spanFrames() {
        return SpanMask.spanFrames(config.spanMs(), frameRate);
    }

    @Override
    public ObjectiveResult forward(TrainingBatch batch, EncoderCall encoder, ParameterStore parameters,
                                   FlopMeter meter, boolean training) {
        if (encoderDim == 0) {
            throw new IllegalStateException("initialize the data2vec objective before the first forward pass");
        }
        NDManager manager = batch.manager();
        FrontendOutput front = encoder.frontend(batch.features(), batch.valid());
        NDArray z = front.features();
        Shape shape = z.getShape();
        if (shape.dimension() != 3 || shape.get(2) != frontendDim) {
            throw new IllegalArgumentException("data2vec expects the frontend to hand the encoder [batch, frames, "
                    + frontendDim + "], got " + shape + "; the objective was initialised for that width");
        }
        int size = (int) shape.get(0);
        int frames = (int) shape.get(1);
        NDArray valid = front.valid();
        SpanMask mask = SpanMask.draw(valid, config.maskProb(), spanFrames(), batch.rng());

        // Student: masked frames replaced by the learned embedding.
        NDArray masked = mask.replace(manager, z,
                parameters.getValue(heads.maskEmbedding, manager.getDevice(), training));
        EncoderOutput student = encoder.body(masked, valid);
        if (student.last().getShape().get(2) != encoderDim) {
            throw new IllegalStateException("the encoder returned width " + student.last().getShape().get(2)
                    + " but the data2vec head was initialised for " + encoderDim);
        }
        // Teacher: the unmasked frames; the core runs it without gradients and counts its forward FLOPs.
        EncoderOutput teacher = encoder.teacher(z, valid);
        int layers = teacher.hiddenStates().size() - 1;
        int k = Math.min(config.topK(), Math.max(1, layers));

        int n = mask.count();
        NDArray rows = manager.create(mask.indices());
        NDArray targets = targets(teacher.hiddenStates(), valid, k, manager)
                .reshape((long) size * frames, encoderDim).get(new NDIndex("{}", rows));
        NDArray hidden = student.last().reshape((long) size * frames, encoderDim).get(new NDIndex("{}", rows));
        NDArray prediction = heads.head().forward(parameters, new NDList(hidden), training).head();

        NDArray error = prediction.sub(targets);
        NDArray perElement;
        if (config.loss().equals("l2")) {
            perElement = error.square();
        } else {
            // smooth L1 as 0.5 min(|e|, b)^2 / b + (|e| - min(|e|, b)); arrays, never Number operands (see PLUGINS.md)
            NDArray abs = error.abs();
            NDArray clipped = abs.minimum(manager.create(config.beta().floatValue()));
            perElement = clipped.square().mul(manager.create((float) (0.5 / config.beta())))
                    .add(abs.sub(clipped));
        }
        NDArray scale = manager.create((float) (1.0 / (Math.sqrt(encoderDim) * Math.max(1, n))));
        NDArray loss = perElement.sum().mul(scale);

        meter.record(headFlops(size, frames, n), training);
        meter.record(targetFlops(size, frames, k, n), false);

        Map<String, NDArray> metrics = new LinkedHashMap<>();
        metrics.put("masked_frames", manager.create((float) mask.share()));
        metrics.put("target_std", channelStd(targets, manager));
        metrics.put("prediction_std", channelStd(prediction.stopGradient(), manager));
        metrics.put("teacher_layers", manager.create((float) k));
        return new ObjectiveResult(loss, metrics);
    }

    /**
     * The regression targets [B, T, D]: the mean of the last {@code k} of {@code hidden} (the layer outputs; entry 0,
     * the input projection, is never used), each instance-normalised per utterance and channel over the real
     * frames. Detached: no gradient ever flows into the teacher. Padded frames come out 0.
     */
    static NDArray targets(List<NDArray> hidden, NDArray valid, int k, NDManager manager) {
        int layers = hidden.size() - 1;
        if (k < 1 || k > layers) {
            throw new IllegalArgumentException("cannot average the top " + k + " of " + layers + " layers");
        }
        Shape shape = hidden.get(layers).getShape();
        NDArray v = valid.reshape(shape.get(0), shape.get(1), 1).stopGradient();
        NDArray count = v.sum(new int[]{1}, true).maximum(manager.create(1f));
        NDArray sum = null;
        for (int i = layers - k + 1; i <= layers; i++) {
            NDArray normed = instanceNorm(hidden.get(i).stopGradient(), v, count, manager);
            sum = sum == null ? normed : sum.add(normed);
        }
        return sum.mul(manager.create(1f / k));
    }

    /** (h - mean) / sqrt(var + eps) per utterance and channel over real frames; padding comes out 0. */
    static NDArray instanceNorm(NDArray h, NDArray v, NDArray count, NDManager manager) {
        NDArray mean = h.mul(v).sum(new int[]{1}, true).div(count);
        NDArray centred = h.sub(mean).mul(v);
        NDArray variance = centred.square().sum(new int[]{1}, true).div(count);
        return centred.div(variance.add(INSTANCE_NORM_EPS).sqrt());
    }

    /** Per-channel standard deviation over rows, averaged over channels (0 for fewer than two rows). */
    private static NDArray channelStd(NDArray rows, NDManager manager) {
        if (rows.getShape().get(0) < 2) {
            return manager.create(0f);
        }
        NDArray centred = rows.sub(rows.mean(new int[]{0}, true));
        return centred.square().mean(new int[]{0}).add(1e-6f).sqrt().mean();
    }

    /** Forward FLOPs of what trains with the step: the masking, the head on n masked frames and the loss. */
    FlopCount headFlops(int batch, int frames, int masked) {
        double d = encoderDim;
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("objective.data2vec.mask", MASK_FLOPS_PER_ELEMENT * batch * frames * frontendDim);
        parts.put("objective.data2vec.head", 2.0 * masked * d * d + masked * d);
        parts.put("objective.data2vec.loss", LOSS_FLOPS_PER_ELEMENT * masked * d);
        return new FlopCount(parts);
    }

    /** Forward FLOPs of building the targets from the teacher's layers (no gradients). */
    FlopCount targetFlops(int batch, int frames, int k, int masked) {
        return FlopCount.of("objective.data2vec.targets",
                TARGET_FLOPS_PER_ELEMENT * k * batch * frames * encoderDim + 2.0 * masked * encoderDim);
    }
}
