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
 * The whole encoder as one DJL block. Inputs: features [B, T, F] and the valid mask [B, T].
 * Outputs: {@code layers + 1} hidden states [B, T, D] (see {@link TransformerEncoder}).
 */
final class TransformerStack extends AbstractBlock {
    /** Added to attention scores of padded keys: exp of it underflows to exactly 0 in float32. */
    static final float PADDING_BIAS = -1e9f;

    private final TransformerConfig config;
    private final Linear inputProjection;
    private final List<TransformerLayer> layers = new ArrayList<>();
    private final LayerNorm finalNorm;
    private final SinusoidalPositions positions;

    TransformerStack(TransformerConfig config) {
        this.config = config;
        inputProjection = addChildBlock("input_projection", Linear.builder().setUnits(config.dim()).build());
        for (int i = 0; i < config.layers(); i++) {
            layers.add(addChildBlock(String.format(Locale.ROOT, "layer%02d", i),
                    new TransformerLayer(config.dim(), config.heads(), config.ffn(), config.dropout().floatValue())));
        }
        finalNorm = addChildBlock("final_norm", LayerNorm.builder().axis(2).build());
        positions = new SinusoidalPositions(config.dim());
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

        NDArray projected = inputProjection.forward(ps, new NDList(features), training).head();
        NDArray x = projected.add(positions.forFrames(features.getManager(), frames)).mul(validColumn);
        NDList hidden = new NDList(config.layers() + 1);
        hidden.add(x);
        if (training && config.dropout() > 0) {
            x = Dropout.dropout(x, config.dropout().floatValue(), true).head();
        }
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).forward(ps, new NDList(x, keyBias), training).head();
            if (i == layers.size() - 1) {
                x = finalNorm.forward(ps, new NDList(x), training).head();
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
        for (TransformerLayer layer : layers) {
            layer.initialize(manager, dataType, hidden, keyBias);
        }
        finalNorm.initialize(manager, dataType, hidden);
    }
}
