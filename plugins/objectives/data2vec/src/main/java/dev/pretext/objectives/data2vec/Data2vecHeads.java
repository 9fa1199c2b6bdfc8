package dev.pretext.objectives.data2vec;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;

/**
 * The objective's parameters: the learned mask embedding [F] that replaces masked frames of the frontend's output,
 * and the regression head Linear(D -> D) on the student's last hidden state. Initialised with input shapes
 * {@code [1, 1, F]} and {@code [1, 1, D]}; the objective calls the parts itself.
 */
final class Data2vecHeads extends AbstractBlock {
    final Parameter maskEmbedding;
    private Linear head;

    Data2vecHeads() {
        // uniform in [0, 1), as data2vec's mask embedding
        maskEmbedding = addParameter(Parameter.builder().setName("mask_embedding").setType(Parameter.Type.OTHER)
                .optInitializer((manager, shape, type) -> manager.randomUniform(0f, 1f, shape, type)).build());
    }

    /** The head's width is the encoder's, known only when the objective is initialised. */
    void build(int encoderDim) {
        if (head == null) {
            head = addChildBlock("head", Linear.builder().setUnits(encoderDim).build());
        }
    }

    Linear head() {
        return head;
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        maskEmbedding.setShape(new Shape(inputShapes[0].get(2)));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        head.setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
                XavierInitializer.FactorType.AVG, 3), Parameter.Type.WEIGHT);
        head.initialize(manager, dataType, inputShapes[1]);
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        throw new UnsupportedOperationException("the data2vec objective calls its heads' parts directly");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
