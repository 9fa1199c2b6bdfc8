package dev.pretext.testkit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.model.Encoder;
import dev.pretext.api.model.EncoderOutput;
import dev.pretext.api.model.FlopCount;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small encoder body for objective tests, so that a plugin outside pretext can run {@link ObjectiveContract}
 * without any of pretext's own encoder bundles. An input projection, then residual layers that each mix a frame
 * with two others at a distance {@code d} doubling per layer (1, 2, 4, ...): {@code t - d} and {@code t + d}, or
 * {@code t - 2d} and {@code t - d} when causal; then a GELU and a per-frame layer norm. Mixing frames lets masked frames be predicted from their neighbours; padded frames are
 * zeroed before every mix, so they never reach real ones. It is not a model to train for real.
 */
public final class TestEncoder implements Encoder {
    /** Per element of the erf-form GELU, roughly. */
    private static final double GELU_FLOPS_PER_ELEMENT = 8;
    /** Per element of a layer norm: mean, centre, square, sum, normalise, scale, shift. */
    private static final double NORM_FLOPS_PER_ELEMENT = 7;

    private final int layers;
    private final int dim;
    private final boolean causal;
    private final SequentialBlock block = new SequentialBlock();
    private final Linear input;
    private final List<Linear> mixes = new ArrayList<>();
    private final List<LayerNorm> norms = new ArrayList<>();
    private int inputDim;

    public TestEncoder(int layers, int dim, boolean causal) {
        if (layers < 1 || dim < 1) {
            throw new IllegalArgumentException("a test encoder needs at least one layer and width, got " + layers
                    + " and " + dim);
        }
        this.layers = layers;
        this.dim = dim;
        this.causal = causal;
        this.input = Linear.builder().setUnits(dim).build();
        block.add(input);
        for (int i = 0; i < layers; i++) {
            Linear mix = Linear.builder().setUnits(dim).build();
            LayerNorm norm = LayerNorm.builder().axis(2).build();
            mixes.add(mix);
            norms.add(norm);
            block.add(mix).add(norm);
        }
    }

    /** Three layers of width 32, seeing both sides. */
    public static TestEncoder small() {
        return new TestEncoder(3, 32, false);
    }

    /** Three layers of width 32 that see past and present frames only (for autoregressive objectives). */
    public static TestEncoder smallCausal() {
        return new TestEncoder(3, 32, true);
    }

    /** The container of every parameter; the children are run one by one in {@link #forward}. */
    @Override
    public Block block() {
        return block;
    }

    @Override
    public void initialize(NDManager manager, FeatureSpec spec) {
        inputDim = spec.dim();
        input.initialize(manager, DataType.FLOAT32, new Shape(1, 1, inputDim));
        for (int i = 0; i < layers; i++) {
            mixes.get(i).initialize(manager, DataType.FLOAT32, new Shape(1, 1, 3L * dim));
            norms.get(i).initialize(manager, DataType.FLOAT32, new Shape(1, 1, dim));
        }
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public int layers() {
        return layers;
    }

    @Override
    public boolean causal() {
        return causal;
    }

    @Override
    public EncoderOutput forward(ParameterStore parameters, NDArray features, NDArray valid, boolean training) {
        if (inputDim == 0) {
            throw new IllegalStateException("initialize the test encoder before the first forward pass");
        }
        NDArray mask = valid.expandDims(2);
        NDArray h = input.forward(parameters, new NDList(features), training).head().mul(mask);
        List<NDArray> hidden = new ArrayList<>();
        hidden.add(h);
        for (int i = 0; i < layers; i++) {
            int d = 1 << i;
            // causal: t-2d, t-d, t; otherwise t-d, t, t+d
            NDArray mixed = causal ? shift(h, 2 * d).concat(shift(h, d), 2).concat(h, 2)
                    : shift(h, d).concat(h, 2).concat(shift(h, -d), 2);
            NDArray update = Activation.gelu(mixes.get(i).forward(parameters, new NDList(mixed), training).head());
            h = norms.get(i).forward(parameters, new NDList(h.add(update)), training).head().mul(mask);
            hidden.add(h);
        }
        return new EncoderOutput(hidden, valid);
    }

    /** {@code x} moved {@code by} frames later in time (earlier when negative), zeros shifted in. */
    private static NDArray shift(NDArray x, int by) {
        Shape shape = x.getShape();
        long frames = shape.get(1);
        int n = (int) Math.min(Math.abs(by), frames);
        NDArray zeros = x.getManager().zeros(new Shape(shape.get(0), n, shape.get(2)), x.getDataType());
        if (n == frames) {
            return zeros;
        }
        return by > 0 ? zeros.concat(x.get(new NDIndex(":, :{}", frames - n)), 1)
                : x.get(new NDIndex(":, {}:", n)).concat(zeros, 1);
    }

    @Override
    public FlopCount flops(int batch, int frames) {
        double n = (double) batch * frames;
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("encoder.test.input", 2 * n * inputDim * dim + n * dim);
        parts.put("encoder.test.layers", layers * (2 * n * 3 * dim * dim + n * dim
                + (GELU_FLOPS_PER_ELEMENT + NORM_FLOPS_PER_ELEMENT + 1) * n * dim));
        return new FlopCount(parts);
    }
}
