package dev.pretext.probes.asr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.pretext.probes.support.WeightedLayerSum;

/**
 * The layer mixture, two ReLU convolutions over time and a linear layer to character logits. Inputs: the layer-major
 * [L, B, T, D] stack and a [B, T, 1] mask (1 on real frames); output [B, T, classes].
 *
 * <p>Convolutions rather than SUPERB's BiLSTM: spelling needs a little context beyond one frame, and a convolution
 * gives it with a few large matrix products over all frames at once, where a recurrent layer runs T small dependent
 * steps, which on a CPU costs many times more per epoch for a probe of minutes. Hidden states are masked after each
 * convolution so that padding never leaks into the last real frames.
 *
 * <p>Each convolution is one matrix product over the {@code kernel} time-shifted copies of its input stacked along
 * the feature axis, not libtorch's convolution: its oneDNN AVX-512 kernels (oneDNN 3.7.1 in libtorch 2.7.1, seen
 * on an AMD Zen 5) return NaN input gradients when the channel count is not a multiple of 16, so the probe's result
 * depended on the CPU. A matrix product gives the same numbers on every CPU up to rounding.
 */
final class ConvolutionalHead extends AbstractBlock {
    private final WeightedLayerSum mixture;
    private final Linear first;
    private final Linear second;
    private final Linear output;
    private final int channels;
    private final int kernel;
    private final int classes;

    ConvolutionalHead(int layers, int channels, int kernel, int classes) {
        this.channels = channels;
        this.kernel = kernel;
        this.classes = classes;
        this.mixture = addChildBlock("mixture", new WeightedLayerSum(layers));
        this.first = addChildBlock("conv1", Linear.builder().setUnits(channels).build());
        this.second = addChildBlock("conv2", Linear.builder().setUnits(channels).build());
        this.output = addChildBlock("output", Linear.builder().setUnits(classes).build());
    }

    WeightedLayerSum mixture() {
        return mixture;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameters, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray mask = inputs.get(1);
        NDArray h = mixture.forward(parameters, new NDList(inputs.get(0)), training).singletonOrThrow();
        h = Activation.relu(first.forward(parameters, new NDList(windows(h)), training).singletonOrThrow()).mul(mask);
        h = Activation.relu(second.forward(parameters, new NDList(windows(h)), training).singletonOrThrow()).mul(mask);
        return output.forward(parameters, new NDList(h), training);
    }

    /**
     * [B, T, C] to [B, T, kernel * C]: frame t carries frames t - kernel/2 ... t + kernel/2, zero beyond either end
     * (a "same" convolution's window).
     */
    private NDArray windows(NDArray h) {
        int half = kernel / 2;
        if (half == 0) {
            return h;
        }
        Shape shape = h.getShape();
        long frames = shape.get(1);
        NDArray edge = h.getManager().zeros(new Shape(shape.get(0), half, shape.get(2)), h.getDataType());
        NDArray padded = NDArrays.concat(new NDList(edge, h, edge), 1);
        NDList shifted = new NDList(kernel);
        for (int j = 0; j < kernel; j++) {
            shifted.add(padded.get(new NDIndex(":, {}:{}, :", j, j + frames)));
        }
        return NDArrays.concat(shifted, 2);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        long batch = x.get(1);
        long frames = x.get(2);
        long dim = x.get(3);
        mixture.initialize(manager, dataType, x);
        first.initialize(manager, dataType, new Shape(batch, frames, kernel * dim));
        second.initialize(manager, dataType, new Shape(batch, frames, kernel * (long) channels));
        output.initialize(manager, dataType, new Shape(batch, frames, channels));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        return new Shape[] {new Shape(x.get(1), x.get(2), classes)};
    }
}
