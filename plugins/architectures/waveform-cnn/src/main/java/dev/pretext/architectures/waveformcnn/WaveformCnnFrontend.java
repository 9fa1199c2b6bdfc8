package dev.pretext.architectures.waveformcnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.model.FlopCount;
import dev.pretext.api.model.FrontendOutput;
import dev.pretext.api.model.LearnedFrontend;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * wav2vec 2.0's convolutional feature encoder, learned with the encoder. The loader only cuts the waveform into
 * 20 ms frames of 320 samples (the last partial frame is dropped); in the graph the seven convolutions (each
 * followed by GELU; normalised as {@link WaveformCnnConfig#norm()} says) turn each frame into {@code channels}
 * features, and a layer norm finishes them (wav2vec 2.0's {@code layer_norm} before the projection, which here
 * is the encoder body's input projection).
 */
public final class WaveformCnnFrontend implements LearnedFrontend {
    static final double FRAME_RATE = (double) Waveform.RATE / ConvFeatureEncoder.HOP;
    /** Per element of the erf-form GELU, roughly (as the Transformer's count). */
    static final double GELU_FLOPS_PER_ELEMENT = 8;
    /** Per element: mean, centre, square, sum, normalise, scale, shift (as the Transformer's count). */
    static final double NORM_FLOPS_PER_ELEMENT = 7;

    private final WaveformCnnConfig config;
    private final ConvFeatureEncoder block;

    @Inject
    public WaveformCnnFrontend(WaveformCnnConfig config) {
        this.config = config;
        this.block = new ConvFeatureEncoder(config);
    }

    public WaveformCnnConfig config() {
        return config;
    }

    @Override
    public FeatureSpec spec() {
        return new FeatureSpec(ConvFeatureEncoder.HOP, FRAME_RATE);
    }

    @Override
    public Features extract(Waveform waveform) {
        if (waveform.sampleRate() != Waveform.RATE) {
            throw new IllegalArgumentException("waveform-cnn expects " + Waveform.RATE + " Hz audio, got "
                    + waveform.sampleRate() + " Hz; datasets resample to " + Waveform.RATE);
        }
        int frames = waveform.length() / ConvFeatureEncoder.HOP;
        float[] data = new float[frames * ConvFeatureEncoder.HOP];
        System.arraycopy(waveform.samples(), 0, data, 0, data.length);
        return new Features(data, frames, ConvFeatureEncoder.HOP);
    }

    /** Cutting samples into frames is a copy: no arithmetic on the loader threads. */
    @Override
    public double flopsPerFrame() {
        return 0;
    }

    @Override
    public Block block() {
        return block;
    }

    @Override
    public void initialize(NDManager manager) {
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, ConvFeatureEncoder.HOP), new Shape(1, 1));
    }

    @Override
    public FeatureSpec outputSpec() {
        return new FeatureSpec(config.channels(), FRAME_RATE);
    }

    @Override
    public FrontendOutput forward(ParameterStore parameters, NDArray features, NDArray valid, boolean training) {
        Shape shape = features.getShape();
        if (shape.dimension() != 3 || shape.get(2) != ConvFeatureEncoder.HOP) {
            throw new IllegalArgumentException("waveform-cnn expects frames of samples [batch, frames, "
                    + ConvFeatureEncoder.HOP + "], got " + shape);
        }
        NDArray mask = valid.getDataType() == DataType.FLOAT32 ? valid : valid.toType(DataType.FLOAT32, false);
        NDArray out = block.forward(parameters, new NDList(features, mask), training).head();
        return new FrontendOutput(out, mask);
    }

    @Override
    public int outputFrames(int frames) {
        return frames;
    }

    /**
     * Forward FLOPs for a padded batch (a multiply-add counts 2): every convolution over the positions it
     * computes for rows of {@code frames * 320 + 80} samples, its norm and GELU, and the output layer norm.
     */
    @Override
    public FlopCount flops(int batch, int frames) {
        return flops(config, batch, frames);
    }

    static FlopCount flops(WaveformCnnConfig config, int batch, int frames) {
        long samples = (long) frames * ConvFeatureEncoder.HOP + ConvFeatureEncoder.TAIL;
        double c = config.channels();
        double conv = 0;
        double norm = 0;
        double activation = 0;
        for (int i = 0; i < ConvFeatureEncoder.KERNELS.length; i++) {
            double positions = (double) batch * ConvFeatureEncoder.positions(samples, i);
            double in = i == 0 ? 1 : c;
            conv += 2 * positions * c * in * ConvFeatureEncoder.KERNELS[i] + (config.convBias() ? positions * c : 0);
            if (config.norm().equals("layer") || i == 0) {
                norm += NORM_FLOPS_PER_ELEMENT * positions * c;
            }
            activation += GELU_FLOPS_PER_ELEMENT * positions * c;
        }
        double out = (double) batch * frames * c;
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("frontend.conv", conv);
        parts.put("frontend.norm", norm + NORM_FLOPS_PER_ELEMENT * out);
        parts.put("frontend.activation", activation);
        // the padding mask, and the gradient scaling's two products and sum
        parts.put("frontend.elementwise", out + (config.gradientScale() < 1.0 ? 3 * out : 0));
        return new FlopCount(parts);
    }

    @Override
    public OptionalLong parameterCount() {
        return OptionalLong.of(parameterCount(config));
    }

    /** Trainable parameters, without building the block. */
    static long parameterCount(WaveformCnnConfig config) {
        long c = config.channels();
        long count = 0;
        for (int i = 0; i < ConvFeatureEncoder.KERNELS.length; i++) {
            long in = i == 0 ? 1 : c;
            count += c * in * ConvFeatureEncoder.KERNELS[i] + (config.convBias() ? c : 0);
            if (config.norm().equals("layer") || i == 0) {
                count += 2 * c;
            }
        }
        return count + 2 * c;
    }
}
