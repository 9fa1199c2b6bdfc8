package dev.pretext.probes.asr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.pretext.probes.support.WeightedLayerSum;

/**
 * The layer mixture, two ReLU convolutions over time and a linear layer to character logits. Inputs: the layer-major
 * [L, B, T, D] stack and a [B, 1, T] mask (1 on real frames); output [B, T, classes].
 *
 * <p>Convolutions rather than SUPERB's BiLSTM: spelling needs a little context beyond one frame, and a convolution
 * gives it with a few large matrix products over all frames at once, where a recurrent layer runs T small dependent
 * steps, which on a CPU costs many times more per epoch for a probe of minutes. Hidden states are masked after each
 * convolution so that padding never leaks into the last real frames.
 */
final class ConvolutionalHead extends AbstractBlock {
    private final WeightedLayerSum mixture;
    private final Conv1d first;
    private final Conv1d second;
    private final Linear output;
    private final int channels;
    private final int classes;

    ConvolutionalHead(int layers, int channels, int kernel, int classes) {
        this.channels = channels;
        this.classes = classes;
        this.mixture = addChildBlock("mixture", new WeightedLayerSum(layers));
        this.first = addChildBlock("conv1", conv(channels, kernel));
        this.second = addChildBlock("conv2", conv(channels, kernel));
        this.output = addChildBlock("output", Linear.builder().setUnits(classes).build());
    }

    private static Conv1d conv(int channels, int kernel) {
        return Conv1d.builder().setKernelShape(new Shape(kernel)).setFilters(channels)
                .optPadding(new Shape(kernel / 2)).build();
    }

    WeightedLayerSum mixture() {
        return mixture;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameters, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray mask = inputs.get(1);
        NDArray mixed = mixture.forward(parameters, new NDList(inputs.get(0)), training).singletonOrThrow();
        NDArray h = mixed.transpose(0, 2, 1);
        h = Activation.relu(first.forward(parameters, new NDList(h), training).singletonOrThrow()).mul(mask);
        h = Activation.relu(second.forward(parameters, new NDList(h), training).singletonOrThrow()).mul(mask);
        return output.forward(parameters, new NDList(h.transpose(0, 2, 1)), training);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        long batch = x.get(1);
        long frames = x.get(2);
        long dim = x.get(3);
        mixture.initialize(manager, dataType, x);
        first.initialize(manager, dataType, new Shape(batch, dim, frames));
        second.initialize(manager, dataType, new Shape(batch, channels, frames));
        output.initialize(manager, dataType, new Shape(batch, frames, channels));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        return new Shape[] {new Shape(x.get(1), x.get(2), classes)};
    }
}
