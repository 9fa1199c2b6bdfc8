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
 * SUPERB's learnable layer mixture: layer-major [L, ...] in (e.g. [L, B, D] pooled or [L, B, T, D] sequences),
 * {@code sum_l softmax(logits)_l * x[l]} out ([...], the layer axis gone). The logits start at zero, i.e. a uniform average, so no layer is favoured before training.
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
        Shape perLayer = x.getShape().slice(1);
        NDArray softmax = parameters.getValue(logits, x.getDevice(), training).softmax(0);
        // An op's result belongs to its first operand's manager: left there, this step's arrays and every one
        // computed from them would live in the head's run-long manager until the probe ends. The input's manager
        // (the step's) owns them instead.
        softmax.attach(x.getManager());
        NDArray weights = softmax.reshape(1, layers);
        return new NDList(weights.matMul(x.reshape(layers, perLayer.size())).reshape(perLayer));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].slice(1)};
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
