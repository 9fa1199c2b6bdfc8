package dev.pretext.architectures.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.model.Encoder;
import dev.pretext.api.model.EncoderOutput;
import dev.pretext.api.model.FlopCount;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A Transformer encoder over frame features.
 *
 * <p>Graph: Linear(F -> D) (with {@code projection_norm}, after a LayerNorm over each frame's F features, as
 * wav2vec 2.0's feature projection), plus sinusoidal positions or plus {@code GELU(grouped conv)} of itself
 * (wav2vec 2.0's relative positions); post-LN then normalises this input. Per layer, pre-LN {@code x + Attn(LN(x))},
 * {@code x + FFN(LN(x))} and a final LayerNorm after the last layer, or post-LN {@code LN(x + Attn(x))},
 * {@code LN(x + FFN(x))} (fused QKV projection, scaled dot-product attention with padded keys masked out,
 * FFN D -> ffn -> D with GELU). Dropout (rate {@code dropout}, only when training) acts on the input to the
 * first layer, the attention weights, the attention output and the FFN output. Layer drop skips each layer for
 * a whole batch with probability {@code layer_drop} when training, drawn from the engine's seeded generator.
 *
 * <p>Hidden states ({@code layers + 1} entries, each [B, T, D], padded frames exactly 0):
 * entry 0 is the input to the first layer (before dropout); entry i (1..layers-1) is the output of
 * layer i (its input, when skipped); the last entry is the output of the last layer (after the final LayerNorm
 * when pre-LN).
 *
 * <p>Weights start Glorot-uniform (as PyTorch's nn.Transformer), biases at 0, norms at gain 1 and shift 0.
 */
public final class TransformerEncoder implements Encoder {
    /** Per element: mean, centre, square, sum, normalise, scale, shift. */
    static final double NORM_FLOPS_PER_ELEMENT = 7;
    /** Per score: padding bias, max, subtract, exp, sum, divide. */
    static final double SOFTMAX_FLOPS_PER_ELEMENT = 6;
    /** Per element of the erf-form GELU, roughly. */
    static final double GELU_FLOPS_PER_ELEMENT = 8;

    private final TransformerConfig config;
    private final TransformerStack stack;
    private int featureDim;

    @Inject
    public TransformerEncoder(TransformerConfig config, FeatureSpec input) {
        this.config = config;
        this.featureDim = input.dim();
        this.stack = new TransformerStack(config);
    }

    public TransformerConfig config() {
        return config;
    }

    @Override
    public Block block() {
        return stack;
    }

    @Override
    public void initialize(NDManager manager, FeatureSpec input) {
        featureDim = input.dim();
        stack.setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
                XavierInitializer.FactorType.AVG, 3), Parameter.Type.WEIGHT);
        stack.initialize(manager, DataType.FLOAT32, new Shape(1, 1, featureDim), new Shape(1, 1));
    }

    @Override
    public int dim() {
        return config.dim();
    }

    @Override
    public int layers() {
        return config.layers();
    }

    @Override
    public EncoderOutput forward(ParameterStore parameters, NDArray features, NDArray valid, boolean training) {
        Shape shape = features.getShape();
        if (shape.dimension() != 3 || shape.get(2) != featureDim) {
            throw new IllegalArgumentException("transformer encoder expects features [batch, frames, " + featureDim
                    + "], got " + shape + "; check that the frontend's dim matches the one the encoder was built for");
        }
        Shape validShape = valid.getShape();
        if (validShape.dimension() != 2 || validShape.get(0) != shape.get(0) || validShape.get(1) != shape.get(1)) {
            throw new IllegalArgumentException("valid mask must be [" + shape.get(0) + ", " + shape.get(1)
                    + "] to match the features, got " + validShape);
        }
        NDArray mask = valid.getDataType() == DataType.FLOAT32 ? valid : valid.toType(DataType.FLOAT32, false);
        if (!training || config.layerDrop() == 0) {
            return new EncoderOutput(stack.forward(parameters, new NDList(features, mask), training), mask);
        }
        NDArray draws = features.getManager().randomUniform(0f, 1f, new Shape(config.layers()));
        NDArray runs = draws.gte(config.layerDrop().floatValue()).toType(DataType.FLOAT32, false);
        int layersRun = (int) runs.sum().getFloat();
        NDList hidden = stack.forward(parameters, new NDList(features, mask, runs), training);
        return new EncoderOutput(hidden, mask,
                flops(config, featureDim, (int) shape.get(0), (int) shape.get(1), layersRun));
    }

    @Override
    public FlopCount flops(int batch, int frames) {
        return flops(config, featureDim, batch, frames, config.layers());
    }

    @Override
    public boolean causal() {
        return config.causal();
    }

    @Override
    public OptionalLong parameterCount() {
        return OptionalLong.of(parameterCount(config, featureDim));
    }

    /**
     * Forward FLOPs for a padded [batch, frames, featureDim] input (a multiply-add counts 2). Matrix products
     * are exact (bias adds included); norms, softmax and GELU use the per-element constants above.
     */
    public static FlopCount flops(TransformerConfig config, int featureDim, int batch, int frames) {
        return flops(config, featureDim, batch, frames, config.layers());
    }

    /** As {@link #flops(TransformerConfig, int, int, int)} when only {@code layersRun} layers ran (layer drop). */
    static FlopCount flops(TransformerConfig config, int featureDim, int batch, int frames, int layersRun) {
        double n = (double) batch * frames;
        double d = config.dim();
        double f = config.ffn();
        double layers = layersRun;
        double scoreCount = (double) batch * config.heads() * frames * frames;
        Map<String, Double> parts = new LinkedHashMap<>();
        // projection matmul + bias
        parts.put("encoder.input_projection", 2 * n * featureDim * d + n * d
                + (config.projectionNorm() ? NORM_FLOPS_PER_ELEMENT * n * featureDim : 0));
        if (config.convPositions()) {
            // grouped conv (each output sees D/G inputs over K taps) + bias + GELU + add; the weight norm once
            double taps = (double) config.posConvKernel() * d / config.posConvGroups();
            parts.put("encoder.positions", 2 * n * d * taps + n * d + GELU_FLOPS_PER_ELEMENT * n * d + n * d
                    + 4 * d * taps);
        } else {
            parts.put("encoder.positions", n * d);
        }
        // fused q/k/v matmul + bias + query scaling
        parts.put("encoder.attention.qkv", layers * (2 * n * d * 3 * d + 3 * n * d + n * d));
        parts.put("encoder.attention.scores", layers * 2 * scoreCount * config.headDim());
        parts.put("encoder.attention.values", layers * 2 * scoreCount * config.headDim());
        parts.put("encoder.attention.output", layers * (2 * n * d * d + n * d));
        parts.put("encoder.ffn", layers * (2 * n * d * f + n * f + 2 * n * f * d + n * d));
        parts.put("encoder.activation", layers * GELU_FLOPS_PER_ELEMENT * n * f);
        parts.put("encoder.norm", (2 * layers + 1) * NORM_FLOPS_PER_ELEMENT * n * d);
        parts.put("encoder.softmax", layers * SOFTMAX_FLOPS_PER_ELEMENT * scoreCount);
        // two residual adds per layer, and the padding mask applied to every hidden state
        parts.put("encoder.elementwise", layers * 2 * n * d + (config.layers() + 1) * n * d);
        return new FlopCount(parts);
    }

    /** Trainable parameters of an encoder with this config over {@code featureDim} inputs, without building it. */
    public static long parameterCount(TransformerConfig config, int featureDim) {
        long d = config.dim();
        long f = config.ffn();
        long norm = 2 * d;
        long perLayer = norm + (d * 3 * d + 3 * d) + (d * d + d) + norm + (d * f + f) + (f * d + d);
        long positions = config.convPositions()
                ? d * (d / config.posConvGroups()) * config.posConvKernel() + config.posConvKernel() + d : 0;
        return (featureDim * d + d) + (config.projectionNorm() ? 2L * featureDim : 0) + positions
                + config.layers() * perLayer + norm;
    }
}
