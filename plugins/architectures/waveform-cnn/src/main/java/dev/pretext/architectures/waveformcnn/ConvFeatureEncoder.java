package dev.pretext.architectures.waveformcnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The convolutional stack as one DJL block. Inputs: samples grouped into 20 ms frames [B, T, 320] and the
 * frame mask [B, T]; output: features [B, T, C], zero at padded frames.
 *
 * <p>The rows are laid end to end and 80 zero samples appended, so that the 400-sample receptive field of the
 * last real frame ends inside the row and T frames come out, one per input frame. Padded frames are zeroed, so
 * a row reads exactly as it would alone; the group norm, which averages over time, averages over the positions
 * computed from real samples only.
 */
final class ConvFeatureEncoder extends AbstractBlock {
    static final int[] KERNELS = {10, 3, 3, 3, 3, 2, 2};
    static final int[] STRIDES = {5, 2, 2, 2, 2, 2, 2};
    static final int HOP = 320;
    /** Samples appended so that T frames of HOP samples give T outputs (receptive field 400 = HOP + 80). */
    static final int TAIL = 80;
    private static final float EPS = 1e-5f;

    private final WaveformCnnConfig config;
    private final List<Parameter> weights = new ArrayList<>();
    private final List<Parameter> biases = new ArrayList<>();
    private final List<Parameter> gains = new ArrayList<>();
    private final List<Parameter> shifts = new ArrayList<>();
    private final Parameter outputGain;
    private final Parameter outputShift;

    ConvFeatureEncoder(WaveformCnnConfig config) {
        this.config = config;
        int c = config.channels();
        for (int i = 0; i < KERNELS.length; i++) {
            int in = i == 0 ? 1 : c;
            // Kaiming-normal, as wav2vec 2.0: keeps the activations' scale through the GELU stack.
            double std = Math.sqrt(2.0 / ((double) in * KERNELS[i]));
            weights.add(addParameter(Parameter.builder().setName(name("conv%d_weight", i))
                    .setType(Parameter.Type.WEIGHT).optShape(new Shape(c, in, KERNELS[i]))
                    .optInitializer(new NormalInitializer((float) std)).build()));
            if (config.convBias()) {
                biases.add(addParameter(Parameter.builder().setName(name("conv%d_bias", i))
                        .setType(Parameter.Type.BIAS).optShape(new Shape(c)).build()));
            }
            if (config.norm().equals("layer") || i == 0) {
                gains.add(addParameter(Parameter.builder().setName(name("norm%d_gamma", i))
                        .setType(Parameter.Type.GAMMA).optShape(new Shape(c)).build()));
                shifts.add(addParameter(Parameter.builder().setName(name("norm%d_beta", i))
                        .setType(Parameter.Type.BETA).optShape(new Shape(c)).build()));
            }
        }
        outputGain = addParameter(Parameter.builder().setName("output_norm_gamma").setType(Parameter.Type.GAMMA)
                .optShape(new Shape(c)).build());
        outputShift = addParameter(Parameter.builder().setName("output_norm_beta").setType(Parameter.Type.BETA)
                .optShape(new Shape(c)).build());
    }

    private static String name(String pattern, int i) {
        return String.format(Locale.ROOT, pattern, i);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray frames = inputs.get(0);
        NDArray valid = inputs.get(1);
        NDManager manager = frames.getManager();
        var device = frames.getDevice();
        int batch = (int) frames.getShape().get(0);
        int count = (int) frames.getShape().get(1);
        int c = config.channels();

        // Padded frames are zeroed first: the last real frame's receptive field reaches 80 samples into the next.
        NDArray x = frames.mul(valid.reshape(batch, count, 1)).reshape(batch, 1, (long) count * HOP)
                .concat(manager.zeros(new Shape(batch, 1, TAIL)), 2);
        // Real samples per row, tracked through every layer's arithmetic for the group norm's mask.
        float[] lengths = valid.sum(new int[]{1}).toFloatArray();
        long[] real = new long[batch];
        for (int b = 0; b < batch; b++) {
            real[b] = lengths[b] > 0 ? (long) lengths[b] * HOP + TAIL : 0;
        }
        int norm = 0;
        for (int i = 0; i < KERNELS.length; i++) {
            NDArray w = ps.getValue(weights.get(i), device, training);
            NDArray b = config.convBias() ? ps.getValue(biases.get(i), device, training) : null;
            x = Conv1d.conv1d(x, w, b, new Shape(STRIDES[i]), new Shape(0), new Shape(1), 1).head();
            for (int r = 0; r < batch; r++) {
                real[r] = real[r] >= KERNELS[i] ? (real[r] - KERNELS[i]) / STRIDES[i] + 1 : 0;
            }
            if (config.norm().equals("layer") || i == 0) {
                NDArray gamma = ps.getValue(gains.get(norm), device, training);
                NDArray beta = ps.getValue(shifts.get(norm), device, training);
                norm++;
                x = config.norm().equals("layer") ? channelNorm(x, gamma, beta) : timeNorm(x, real, gamma, beta);
            }
            x = Activation.gelu(x);
        }
        NDArray out = x.transpose(0, 2, 1);
        out = LayerNorm.layerNorm(out, new Shape(c), ps.getValue(outputGain, device, training),
                ps.getValue(outputShift, device, training), EPS).head();
        if (config.gradientScale() < 1.0) {
            // Same values forward; backward, only gradientScale of the gradient reaches the convolutions.
            // Arrays, not mul(Number): DJL frees a Number operand before autograd has used it.
            NDArray keep = manager.create(config.gradientScale().floatValue());
            NDArray rest = manager.create((float) (1.0 - config.gradientScale()));
            out = out.mul(keep).add(out.stopGradient().mul(rest));
        }
        return new NDList(out.mul(valid.reshape(batch, count, 1)));
    }

    /**
     * Normalises each channel over the real time positions of its row (one group per channel), x channels first
     * [B, C, P]: libtorch's layer norm over the last axis, on each row's real positions (the whole batch in one call
     * when no row is padded); padded positions are 0 before the gain and shift, as the masked formula gave.
     */
    private static NDArray timeNorm(NDArray x, long[] real, NDArray gamma, NDArray beta) {
        int batch = (int) x.getShape().get(0);
        long channels = x.getShape().get(1);
        long positions = x.getShape().get(2);
        NDManager manager = x.getManager();
        boolean full = true;
        for (long r : real) {
            full &= r >= positions;
        }
        NDArray normed;
        if (full) {
            normed = overTime(x, positions);
        } else {
            NDList rows = new NDList(batch);
            for (int b = 0; b < batch; b++) {
                long n = Math.min(real[b], positions);
                NDArray row = x.get(new NDIndex("{}:{}", b, b + 1));
                if (n == positions) {
                    rows.add(overTime(row, n));
                } else if (n == 0) {
                    rows.add(manager.zeros(new Shape(1, channels, positions)));
                } else {
                    rows.add(overTime(row.get(new NDIndex(":, :, :{}", n)), n)
                            .concat(manager.zeros(new Shape(1, channels, positions - n)), 2));
                }
            }
            normed = NDArrays.concat(rows, 0);
        }
        return normed.mul(gamma.reshape(1, channels, 1)).add(beta.reshape(1, channels, 1));
    }

    /** Zero mean, unit (biased) variance over the last axis of {@code n} positions, no gain or shift. */
    private static NDArray overTime(NDArray x, long n) {
        NDManager manager = x.getManager();
        return LayerNorm.layerNorm(x, new Shape(n), manager.ones(new Shape(n)), manager.zeros(new Shape(n)), EPS)
                .head();
    }

    /** Normalises each time position over channels. */
    private static NDArray channelNorm(NDArray x, NDArray gamma, NDArray beta) {
        NDArray t = x.transpose(0, 2, 1);
        return LayerNorm.layerNorm(t, new Shape(x.getShape().get(1)), gamma, beta, EPS).head().transpose(0, 2, 1);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[]{new Shape(in.get(0), in.get(1), config.channels())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // parameters only
    }

    /** Positions the convolution stack outputs for {@code samples} input samples, after layer {@code layer}. */
    static long positions(long samples, int layer) {
        long n = samples;
        for (int i = 0; i <= layer; i++) {
            n = n >= KERNELS[i] ? (n - KERNELS[i]) / STRIDES[i] + 1 : 0;
        }
        return n;
    }
}
