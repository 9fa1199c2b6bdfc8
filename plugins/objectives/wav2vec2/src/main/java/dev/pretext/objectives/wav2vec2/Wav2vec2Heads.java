package dev.pretext.objectives.wav2vec2;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;

/**
 * The objective's parameters. Initialised with input shapes {@code [1, 1, F]} (the frontend's output) and
 * {@code [1, 1, D]} (the encoder's); the objective calls the parts itself.
 * <ul>
 *   <li>{@code mask_embedding} [F]: replaces masked frames (uniform in [0, 1), as wav2vec 2.0);</li>
 *   <li>{@code quantizer}: Linear(F -> G V) giving the codebook logits, and {@code codebook} [G V, final_dim / G]
 *       (uniform in [0, 1), as wav2vec 2.0);</li>
 *   <li>{@code project_q}: Linear(final_dim -> final_dim) on the quantised vectors; {@code final_proj}:
 *       Linear(D -> final_dim) on the context;</li>
 *   <li>{@code passes} [1]: training passes so far. Not learned: it receives an exactly zero gradient (so the
 *       optimiser leaves it alone) and is checkpointed with the other parameters, so the Gumbel temperature of a
 *       resumed run continues where it stopped.</li>
 * </ul>
 */
final class Wav2vec2Heads extends AbstractBlock {
    final Parameter maskEmbedding;
    final Parameter codebook;
    final Parameter passes;
    final Linear quantizer;
    final Linear projectQ;
    final Linear finalProj;
    private final Wav2vec2Config config;

    Wav2vec2Heads(Wav2vec2Config config) {
        this.config = config;
        maskEmbedding = addParameter(Parameter.builder().setName("mask_embedding").setType(Parameter.Type.OTHER)
                .optInitializer((manager, shape, type) -> manager.randomUniform(0f, 1f, shape, type)).build());
        codebook = addParameter(Parameter.builder().setName("codebook").setType(Parameter.Type.OTHER)
                .optInitializer((manager, shape, type) -> manager.randomUniform(0f, 1f, shape, type)).build());
        passes = addParameter(Parameter.builder().setName("passes").setType(Parameter.Type.OTHER)
                .optInitializer(new ConstantInitializer(0f)).optShape(new Shape(1)).build());
        quantizer = addChildBlock("quantizer", Linear.builder().setUnits((long) config.groups() * config.entries())
                .build());
        projectQ = addChildBlock("project_q", Linear.builder().setUnits(config.finalDim()).build());
        finalProj = addChildBlock("final_proj", Linear.builder().setUnits(config.finalDim()).build());
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        maskEmbedding.setShape(new Shape(inputShapes[0].get(2)));
        codebook.setShape(new Shape((long) config.groups() * config.entries(), config.codeDim()));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long frontendDim = inputShapes[0].get(2);
        // Logits of unit scale for unit-scale inputs, whatever the frontend's width: a spread codebook at the start.
        quantizer.setInitializer(new NormalInitializer((float) (1 / Math.sqrt((double) frontendDim))), Parameter.Type.WEIGHT);
        quantizer.initialize(manager, dataType, new Shape(1, frontendDim));
        XavierInitializer xavier = new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
                XavierInitializer.FactorType.AVG, 3);
        projectQ.setInitializer(xavier, Parameter.Type.WEIGHT);
        projectQ.initialize(manager, dataType, new Shape(1, config.finalDim()));
        finalProj.setInitializer(xavier, Parameter.Type.WEIGHT);
        finalProj.initialize(manager, dataType, new Shape(1, inputShapes[1].get(2)));
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        throw new UnsupportedOperationException("the wav2vec2 objective calls its heads' parts directly");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
