package org.example.denoise;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
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

import java.util.Map;

/**
 * A denoising autoencoder: the encoder sees the features plus Gaussian noise and a linear head reconstructs the
 * clean features from its last hidden state (mean squared error over real frames).
 */
public final class DenoiseObjective implements Objective {
    private final DenoiseConfig config;
    private final Linear head;
    private final int featureDim;

    @Inject
    public DenoiseObjective(DenoiseConfig config, FeatureSpec input) {
        this.config = config;
        this.featureDim = input.dim();
        this.head = Linear.builder().setUnits(featureDim).build();
    }

    @Override
    public Block block() {
        return head;
    }

    @Override
    public void initialize(NDManager manager, NetworkShape network) {
        head.initialize(manager, DataType.FLOAT32, new Shape(1, 1, network.dim()));
    }

    @Override
    public ObjectiveResult forward(TrainingBatch batch, EncoderCall encoder, ParameterStore parameters,
                                   FlopMeter meter, boolean training) {
        NDManager step = batch.manager();
        NDArray clean = batch.features();
        NDArray mask = batch.valid().expandDims(2);
        // Noise from the engine, which pretext seeds every step: the same recipe and seed give the same run.
        // Scalars are arrays of the step's manager, never mul(Number) on values that need gradients.
        NDArray noise = step.randomNormal(clean.getShape()).mul(step.create(config.noise().floatValue()));
        EncoderOutput out = encoder.apply(clean.add(noise).mul(mask), batch.valid());
        NDArray prediction = head.forward(parameters, new NDList(out.last()), training).head();
        NDArray error = prediction.sub(clean).square().mul(mask);
        NDArray loss = error.sum().div(mask.sum().mul(step.create((float) featureDim)));
        // The head's compute, reported so that the budget counts it (the encoder's is counted for us).
        double rows = (double) batch.size() * batch.frames();
        meter.record(FlopCount.of("objective.denoise.head", 2 * rows * out.last().getShape().get(2) * featureDim),
                training);
        return new ObjectiveResult(loss, Map.of("noise_rms", noise.mul(mask).square().mean().sqrt()));
    }
}
