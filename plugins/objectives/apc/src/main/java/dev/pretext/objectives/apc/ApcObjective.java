package dev.pretext.objectives.apc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import dev.pretext.api.data.Utterance;
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
import java.util.List;
import java.util.Map;

/**
 * Autoregressive predictive coding (Chung et al., 2019): a causal encoder reads the unmasked features, and a
 * linear head on its last hidden state at frame t predicts the input frame t + {@code shift}. The loss is the
 * L1 (or squared) distance over every (frame, bin) whose target frame is real, divided by their number.
 * Predicting frames the encoder has already seen is trivial, so the encoder must be causal: the first forward
 * pass refuses one that is not.
 *
 * <p>Metric: {@code predicted_frames}, the share of real frames that have a target (the last {@code shift}
 * frames of each utterance have none).
 */
public final class ApcObjective implements Objective {
    /** Per (frame, bin): subtract, absolute value or square, weight, sum. */
    private static final double LOSS_FLOPS_PER_ELEMENT = 4;

    private final ApcConfig config;
    private final SequentialBlock head = new SequentialBlock();
    private int featureDim;
    private int encoderDim;
    private boolean causalChecked;

    @Inject
    public ApcObjective(ApcConfig config) {
        this.config = config;
    }

    public ApcConfig config() {
        return config;
    }

    /** The prediction head; it exists once {@link #initialize} has run (it needs the encoder's width). */
    @Override
    public Block block() {
        return head;
    }

    @Override
    public void initialize(NDManager manager, NetworkShape network) {
        this.featureDim = network.input().dim();
        this.encoderDim = network.dim();
        head.add(Linear.builder().setUnits(featureDim).build());
        head.setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
                XavierInitializer.FactorType.AVG, 3), Parameter.Type.WEIGHT);
        head.initialize(manager, DataType.FLOAT32, new Shape(1, 1, encoderDim));
    }

    /** Refuses a non-causal body before training, when the core puts the run together. */
    @Override
    public void check(NetworkShape network, List<Utterance> training) {
        if (!network.causal()) {
            throw new IllegalArgumentException(NOT_CAUSAL);
        }
    }

    private static final String NOT_CAUSAL = "the apc objective predicts future frames, but the encoder sees them: "
            + "it would learn to copy. Make the encoder causal in the recipe, e.g. "
            + "encoder: {type: transformer, ..., causal: true}";

    @Override
    public ObjectiveResult forward(TrainingBatch batch, EncoderCall encoder, ParameterStore parameters,
                                   FlopMeter meter, boolean training) {
        if (encoderDim == 0) {
            throw new IllegalStateException("initialize the apc objective before the first forward pass");
        }
        if (!causalChecked) {
            if (!encoder.causal()) {
                throw new IllegalStateException(NOT_CAUSAL);
            }
            causalChecked = true;
        }
        NDArray features = batch.features();
        Shape shape = features.getShape();
        if (shape.dimension() != 3 || shape.get(2) != featureDim) {
            throw new IllegalArgumentException("apc objective expects features [batch, frames, " + featureDim
                    + "], got " + shape + "; the objective was initialised for the frontend's dim " + featureDim);
        }
        int size = (int) shape.get(0);
        int frames = (int) shape.get(1);
        int shift = config.shift();
        NDManager manager = batch.manager();

        EncoderOutput encoded = encoder.apply(features, batch.valid());
        NDArray hidden = encoded.last();
        if (hidden.getShape().get(2) != encoderDim) {
            throw new IllegalStateException("the encoder returned width " + hidden.getShape().get(2)
                    + " but the apc head was initialised for " + encoderDim);
        }
        long targets = 0;
        long real = 0;
        for (int length : batch.lengths()) {
            targets += Math.max(0, length - shift);
            real += length;
        }
        int predicted = Math.max(0, frames - shift);
        NDArray loss;
        if (predicted == 0) {
            // Every row is shorter than the shift: nothing to predict, but keep the head in the graph.
            loss = head.forward(parameters, new NDList(hidden), training).head().sum()
                    .mul(manager.create(0f));
        } else {
            // hidden state at t predicts frame t + shift; the weight is 1 where that frame is real
            NDArray past = hidden.get(new NDIndex(":, :{}", predicted));
            NDArray prediction = head.forward(parameters, new NDList(past), training).head();
            NDArray future = features.get(new NDIndex(":, {}:", shift));
            NDArray weight = batch.valid().get(new NDIndex(":, {}:", shift)).reshape(size, predicted, 1);
            NDArray diff = prediction.sub(future);
            NDArray distance = config.squared() ? diff.square() : diff.abs();
            // Divide by an array the step's manager owns: DJL frees a Number operand right after the op while
            // autograd still needs it in the backward pass.
            NDArray count = manager.create((float) Math.max(1, targets * featureDim));
            loss = distance.mul(weight).sum().div(count);
        }
        meter.record(headFlops(size, predicted), training);
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        metrics.put("predicted_frames", manager.create(real == 0 ? 0f : (float) targets / real));
        return new ObjectiveResult(loss, metrics);
    }

    /** Forward FLOPs of the head and the loss for {@code frames} predicted (padded) frames per row. */
    FlopCount headFlops(int batch, int frames) {
        double n = (double) batch * frames;
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("objective.apc.head", 2 * n * encoderDim * featureDim + n * featureDim);
        parts.put("objective.apc.loss", LOSS_FLOPS_PER_ELEMENT * n * featureDim);
        return new FlopCount(parts);
    }
}
