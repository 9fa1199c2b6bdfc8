package dev.pretext.probes.support;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * SUPERB's learnable layer mixture: layer-major [L, B, D] in, {@code sum_l softmax(logits)_l * x[l]} out
 * ([B, D]). The logits start at zero, i.e. a uniform average, so no layer is favoured before training.
 *
 * <p>Layer-major input makes the mixture one matrix-vector product, [1, L] x [L, B*D], which BLAS runs on a
 * strided slice of a larger resident tensor without copying it; this is most of the probe's speed.
 */
public final class WeightedLayerSum extends AbstractBlock {
    private final int layers;
    private final Parameter logits;

    public WeightedLayerSum(int layers) {
        this.layers = layers;
        this.logits = addParameter(Parameter.builder()
                .setName("layer_logits")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(layers))
                .optInitializer(new ConstantInitializer(0f))
                .build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameters, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        long frames = x.getShape().get(1);
        long dim = x.getShape().get(2);
        NDArray weights = parameters.getValue(logits, x.getDevice(), training).softmax(0).reshape(1, layers);
        return new NDList(weights.matMul(x.reshape(layers, frames * dim)).reshape(frames, dim));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(1), in.get(2))};
    }

    /** The current mixture weights (they sum to 1). */
    public double[] weights() {
        try (NDArray softmax = logits.getArray().softmax(0)) {
            float[] values = softmax.toFloatArray();
            double[] out = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                out[i] = values[i];
            }
            return out;
        }
    }
}
