package dev.pretext.objectives.mam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.model.EncoderCall;
import dev.pretext.api.model.EncoderOutput;
import dev.pretext.api.model.FlopCount;
import dev.pretext.api.model.FlopMeter;
import dev.pretext.api.model.NetworkShape;
import dev.pretext.api.model.Objective;
import dev.pretext.api.model.ObjectiveResult;
import dev.pretext.api.model.TrainingBatch;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TERA-style masked acoustic modelling: the encoder sees time- and frequency-masked features (see
 * {@link MaskPlan}); a head Linear(D -> D), GELU, LayerNorm, Linear(D -> F) on the last hidden state
 * reconstructs the original features; the loss is the L1 distance over the selected positions (time-masked
 * frames on every bin, and the frequency band on every real frame), divided by their number.
 *
 * <p>Metrics: {@code masked_frames} (share of real frames in time-mask spans) and {@code masked_bins} (mean
 * share of bins in the frequency band).
 */
public final class MamObjective implements Objective {
    /** Per element: mean, centre, square, sum, normalise, scale, shift. */
    private static final double NORM_FLOPS_PER_ELEMENT = 7;
    /** Per element of the erf-form GELU, roughly. */
    private static final double GELU_FLOPS_PER_ELEMENT = 8;
    /** Per (frame, bin): subtract, absolute value, weight, sum. */
    private static final double LOSS_FLOPS_PER_ELEMENT = 4;

    private final MamConfig config;
    private final SequentialBlock head = new SequentialBlock();
    private final int featureDim;
    private int encoderDim;

    @Inject
    public MamObjective(MamConfig config, FeatureSpec input) {
        this.config = config;
        this.featureDim = input.dim();
    }

    public MamConfig config() {
        return config;
    }

    /** The prediction head; its layers exist once {@link #initialize} has run (they need the encoder's width). */
    @Override
    public Block block() {
        return head;
    }

    @Override
    public void initialize(NDManager manager, NetworkShape network) {
        this.encoderDim = network.dim();
        head.add(Linear.builder().setUnits(encoderDim).build())
                .add(Activation::gelu)
                // axis 2 of [B, T, D]: per-frame normalisation (DJL's default would span T and D)
                .add(LayerNorm.builder().axis(2).build())
                .add(Linear.builder().setUnits(featureDim).build());
        head.setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
                XavierInitializer.FactorType.AVG, 3), Parameter.Type.WEIGHT);
        head.initialize(manager, DataType.FLOAT32, new Shape(1, 1, encoderDim));
    }

    @Override
    public ObjectiveResult forward(TrainingBatch batch, EncoderCall encoder, ParameterStore parameters,
                                   FlopMeter meter, boolean training) {
        if (encoderDim == 0) {
            throw new IllegalStateException("initialize the mam objective before the first forward pass");
        }
        NDArray features = batch.features();
        Shape shape = features.getShape();
        if (shape.dimension() != 3 || shape.get(2) != featureDim) {
            throw new IllegalArgumentException("mam objective expects features [batch, frames, " + featureDim
                    + "], got " + shape + "; the objective was initialised for the frontend's dim " + featureDim);
        }
        int size = (int) shape.get(0);
        int frames = (int) shape.get(1);
        NDManager manager = batch.manager();
        MaskPlan plan = MaskPlan.draw(batch.lengths(), frames, featureDim, config, batch.rng());

        NDArray masked = applyMask(manager, features, plan);
        EncoderOutput encoded = encoder.apply(masked, batch.valid());
        if (encoded.last().getShape().get(2) != encoderDim) {
            throw new IllegalStateException("the encoder returned width " + encoded.last().getShape().get(2)
                    + " but the mam head was initialised for " + encoderDim);
        }
        NDArray prediction = head.forward(parameters, new NDList(encoded.last()), training).head();

        NDArray frameSelected = manager.create(plan.timeSelected(), new Shape(size, frames, 1));
        NDArray binSelected = manager.create(plan.binSelected(), new Shape(size, 1, featureDim));
        NDArray validColumn = batch.valid().reshape(size, frames, 1);
        NDArray weights = frameSelected.maximum(binSelected).mul(validColumn);
        // Divide by an array the batch's manager owns, not by a Number: DJL frees a Number operand right after
        // the op although autograd keeps using it in the backward pass.
        NDArray count = manager.create((float) Math.max(1, plan.lossWeight()));
        NDArray loss = prediction.sub(features).abs().mul(weights).sum().div(count);

        // the head is trained whenever the step is: forward + backward then, forward only in evaluation
        meter.record(headFlops(size, frames), training);
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        metrics.put("masked_frames", manager.create((float) plan.maskedFrameShare()));
        metrics.put("masked_bins", manager.create((float) plan.maskedBinShare()));
        return new ObjectiveResult(loss, metrics);
    }

    /** Features with spans zeroed or replaced and the frequency band zeroed, built from the plan's arrays. */
    static NDArray applyMask(NDManager manager, NDArray features, MaskPlan plan) {
        int size = plan.batch();
        int frames = plan.frames();
        int bins = plan.bins();
        NDArray rows = features.reshape((long) size * frames, bins);
        NDArray sources = manager.create(plan.sourceFrame());
        NDArray gathered = rows.get(new NDIndex("{}", sources)).reshape(size, frames, bins);
        NDArray frameKeep = manager.create(plan.frameKeep(), new Shape(size, frames, 1));
        NDArray binKeep = manager.create(plan.binKeep(), new Shape(size, 1, bins));
        return gathered.mul(frameKeep).mul(binKeep);
    }

    /** Forward FLOPs of the head and the loss for a padded batch. */
    FlopCount headFlops(int batch, int frames) {
        double n = (double) batch * frames;
        double d = encoderDim;
        double f = featureDim;
        double head = (2 * n * d * d + n * d) + GELU_FLOPS_PER_ELEMENT * n * d + NORM_FLOPS_PER_ELEMENT * n * d
                + (2 * n * d * f + n * f);
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("objective.mam.head", head);
        parts.put("objective.mam.loss", LOSS_FLOPS_PER_ELEMENT * n * f);
        return new FlopCount(parts);
    }
}
