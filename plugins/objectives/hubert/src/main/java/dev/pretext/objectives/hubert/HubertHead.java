package dev.pretext.objectives.hubert;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;

/**
 * HuBERT's trainable parts outside the encoder: the mask embedding that replaces masked frontend frames, the final
 * projection of the last hidden state, and one embedding per cluster. {@link #forward} gives the logits
 * cos(projection(h), e_c) / temperature for every frame and cluster.
 */
final class HubertHead extends AbstractBlock {
    private static final float NORM_EPS = 1e-8f;

    private final int inputDim;
    private final int encoderDim;
    private final int finalDim;
    private final int clusters;
    private final Parameter maskEmbedding;
    private final Parameter labelEmbeddings;
    private final Linear projection;

    HubertHead(int inputDim, int encoderDim, int finalDim, int clusters) {
        this.inputDim = inputDim;
        this.encoderDim = encoderDim;
        this.finalDim = finalDim;
        this.clusters = clusters;
        // small uniform values (HuBERT draws from [0, 1)); centred, as frontend features may be normalised
        maskEmbedding = addParameter(Parameter.builder().setName("maskEmbedding").setType(Parameter.Type.OTHER)
                .optShape(new Shape(inputDim)).optInitializer(new UniformInitializer(0.5f)).build());
        labelEmbeddings = addParameter(Parameter.builder().setName("labelEmbeddings").setType(Parameter.Type.OTHER)
                .optShape(new Shape(clusters, finalDim)).optInitializer(new NormalInitializer(1f)).build());
        projection = addChildBlock("projection", Linear.builder().setUnits(finalDim).build());
        projection.setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
                XavierInitializer.FactorType.AVG, 3), Parameter.Type.WEIGHT);
    }

    int inputDim() {
        return inputDim;
    }

    int encoderDim() {
        return encoderDim;
    }

    int finalDim() {
        return finalDim;
    }

    int clusters() {
        return clusters;
    }

    NDArray maskEmbedding(ParameterStore ps, Device device, boolean training) {
        return ps.getValue(maskEmbedding, device, training);
    }

    /** inputs: hidden [B, T, D] and the inverse temperature as a scalar array; output: logits [B, T, C]. */
    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray hidden = inputs.get(0);
        NDArray inverseTemperature = inputs.get(1);
        NDArray projected = projection.forward(ps, new NDList(hidden), training).head();
        NDArray embeddings = ps.getValue(labelEmbeddings, hidden.getDevice(), training);
        Shape shape = hidden.getShape();
        // [B*T, P] x [P, C]: a plain 2-D product
        NDArray flat = unit(projected).reshape(shape.get(0) * shape.get(1), finalDim);
        NDArray logits = flat.matMul(unit(embeddings).transpose()).mul(inverseTemperature);
        return new NDList(logits.reshape(shape.get(0), shape.get(1), clusters));
    }

    /** Rows scaled to unit length; the epsilon keeps a zero row finite. Arrays only: no Number operand on a gradient path. */
    private static NDArray unit(NDArray x) {
        return x.div(x.mul(x).sum(new int[]{-1}, true).add(NORM_EPS).sqrt());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape h = inputShapes[0];
        return new Shape[]{new Shape(h.get(0), h.get(1), clusters)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        projection.initialize(manager, dataType, inputShapes[0]);
    }
}
