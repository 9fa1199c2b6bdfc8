package dev.pretext.architectures.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * Relative positions from a grouped convolution over time, as in wav2vec 2.0: {@code GELU(conv(x))} with a
 * kernel of K frames centred on each frame, weight-normalised per kernel tap ({@code w = g * v / ||v||}, the
 * norm over output and input channels). Input and output [B, T, D]; padded frames must be zero on input so that
 * they read as the zero padding the convolution adds at the edges.
 */
final class ConvPositions extends AbstractBlock {
    private final int dim;
    private final int kernel;
    private final int groups;
    private final Parameter direction;
    private final Parameter gain;
    private final Parameter bias;

    ConvPositions(int dim, int kernel, int groups) {
        this.dim = dim;
        this.kernel = kernel;
        this.groups = groups;
        // wav2vec 2.0's initialisation: normal with std sqrt(4 / (K * D)), and a gain equal to the norm that such
        // a direction has on average, so the effective weight starts out as the direction itself.
        double std = Math.sqrt(4.0 / ((double) kernel * dim));
        double expectedNorm = std * Math.sqrt((double) dim * dim / groups);
        direction = addParameter(Parameter.builder().setName("direction").setType(Parameter.Type.OTHER)
                .optShape(new Shape(dim, dim / groups, kernel)).optInitializer(new NormalInitializer((float) std))
                .build());
        gain = addParameter(Parameter.builder().setName("gain").setType(Parameter.Type.OTHER)
                .optShape(new Shape(1, 1, kernel)).optInitializer(new ConstantInitializer((float) expectedNorm))
                .build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(dim)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.head();
        var device = x.getDevice();
        NDArray v = ps.getValue(direction, device, training);
        NDArray g = ps.getValue(gain, device, training);
        NDArray b = ps.getValue(bias, device, training);
        NDArray weight = v.mul(g).div(v.norm(new int[]{0, 1}, true));
        NDArray channelsFirst = x.transpose(0, 2, 1);
        NDArray conv = Conv1d.conv1d(channelsFirst, weight, b, new Shape(1), new Shape(kernel / 2), new Shape(1),
                groups).head();
        int frames = (int) x.getShape().get(1);
        if (conv.getShape().get(2) != frames) {
            // An even kernel centred by padding K/2 on both sides yields one frame too many: drop the last.
            conv = conv.get(":, :, :" + frames);
        }
        return new NDList(Activation.gelu(conv).transpose(0, 2, 1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // parameters only, shapes fixed at construction
    }

    int dim() {
        return dim;
    }
}
