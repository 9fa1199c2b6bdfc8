package dev.pretext.architectures.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The whole encoder as one DJL block. Inputs: features [B, T, F], the valid mask [B, T] and, optionally, which
 * layers run [L] (1 runs, 0 is skipped by layer drop; all run when absent). Outputs: {@code layers + 1} hidden
 * states [B, T, D] (see {@link TransformerEncoder}).
 */
final class TransformerStack extends AbstractBlock {
    /** Added to attention scores of padded keys: exp of it underflows to exactly 0 in float32. */
    static final float PADDING_BIAS = -1e9f;

    private final TransformerConfig config;
    private final Linear inputProjection;
    private final List<TransformerLayer> layers = new ArrayList<>();
    /** After the last layer (pre-LN) or on the input to the first (post-LN): one norm either way. */
    private final LayerNorm outerNorm;
    private final SinusoidalPositions sinusoids;
    private final ConvPositions convPositions;
    /** Over each input frame before the projection (projection_norm); null without. */
    private final LayerNorm projectionNorm;

    TransformerStack(TransformerConfig config) {
        this.config = config;
        inputProjection = addChildBlock("input_projection", Linear.builder().setUnits(config.dim()).build());
        for (int i = 0; i < config.layers(); i++) {
            layers.add(addChildBlock(String.format(Locale.ROOT, "layer%02d", i),
                    new TransformerLayer(config.dim(), config.heads(), config.ffn(), config.dropout().floatValue(),
                            config.preNorm())));
        }
        convPositions = config.convPositions() ? addChildBlock("positions",
                new ConvPositions(config.dim(), config.posConvKernel(), config.posConvGroups())) : null;
        sinusoids = config.convPositions() ? null : new SinusoidalPositions(config.dim());
        outerNorm = addChildBlock(config.preNorm() ? "final_norm" : "input_norm", LayerNorm.builder().axis(2).build());
        // Last, so that the parameters of encoders without it keep their names and checkpoint order.
        projectionNorm = config.projectionNorm()
                ? addChildBlock("projection_norm", LayerNorm.builder().axis(2).build()) : null;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray features = inputs.get(0);
        NDArray valid = inputs.get(1);
        long batch = features.getShape().get(0);
        int frames = (int) features.getShape().get(1);
        NDArray validColumn = valid.reshape(batch, frames, 1);
        NDArray keyBias = valid.sub(1f).mul(-PADDING_BIAS).reshape(batch, 1, 1, frames);
        if (config.causal()) {
            // Keys after the query get the padding bias too: [T, T] upper triangle, broadcast over rows and heads.
            float[] future = new float[frames * frames];
            for (int q = 0; q < frames; q++) {
                java.util.Arrays.fill(future, q * frames + q + 1, (q + 1) * frames, PADDING_BIAS);
            }
            keyBias = keyBias.add(features.getManager().create(future, new Shape(1, 1, frames, frames)));
        }

        float[] runs = inputs.size() > 2 ? inputs.get(2).toFloatArray() : null;

        NDArray input = projectionNorm == null ? features
                : projectionNorm.forward(ps, new NDList(features), training).head();
        NDArray projected = inputProjection.forward(ps, new NDList(input), training).head();
        NDArray x;
        if (convPositions != null) {
            NDArray masked = projected.mul(validColumn);
            x = masked.add(convPositions.forward(ps, new NDList(masked), training).head());
        } else {
            x = projected.add(sinusoids.forFrames(features.getManager(), frames));
        }
        if (!config.preNorm()) {
            x = outerNorm.forward(ps, new NDList(x), training).head();
        }
        x = x.mul(validColumn);
        NDList hidden = new NDList(config.layers() + 1);
        hidden.add(x);
        if (training && config.dropout() > 0) {
            x = Dropout.dropout(x, config.dropout().floatValue(), true).head();
        }
        for (int i = 0; i < layers.size(); i++) {
            if (runs == null || runs[i] > 0) {
                x = layers.get(i).forward(ps, new NDList(x, keyBias), training).head();
            }
            if (i == layers.size() - 1 && config.preNorm()) {
                x = outerNorm.forward(ps, new NDList(x), training).head();
            }
            // Zero padded frames so nothing downstream (probes, pooling) can read them.
            x = x.mul(validColumn);
            hidden.add(x);
        }
        return hidden;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape features = inputShapes[0];
        Shape hidden = new Shape(features.get(0), features.get(1), config.dim());
        Shape[] out = new Shape[config.layers() + 1];
        java.util.Arrays.fill(out, hidden);
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape features = inputShapes[0];
        Shape hidden = new Shape(features.get(0), features.get(1), config.dim());
        Shape keyBias = new Shape(features.get(0), 1, 1, features.get(1));
        inputProjection.initialize(manager, dataType, features);
        if (convPositions != null) {
            convPositions.initialize(manager, dataType, hidden);
        }
        for (TransformerLayer layer : layers) {
            layer.initialize(manager, dataType, hidden, keyBias);
        }
        outerNorm.initialize(manager, dataType, hidden);
        if (projectionNorm != null) {
            projectionNorm.initialize(manager, dataType, features);
        }
    }
}
