package dev.pretext.architectures.waveformcnn;

/**
 * Recipe keys of the {@code waveform-cnn} frontend: wav2vec 2.0's seven convolutions (kernels 10, 3, 3, 3, 3, 2, 2;
 * strides 5, 2, 2, 2, 2, 2, 2: 400-sample receptive field, 320-sample hop, 20 ms frames).
 *
 * @param channels      convolution channels, the width of every layer and of the output (default 512, as
 *                      wav2vec 2.0 and HuBERT; the cost grows with its square); a multiple of 16: libtorch 2.7.1's
 *                      strided conv1d (oneDNN's AVX-512 path) returned wrong values on every channel at 24 and 40
 *                      channels on an AMD EPYC Zen 5, where 16, 32, 48, 64 and 512 were exact, so a run's
 *                      numbers would depend on the CPU
 * @param norm          {@code group}: a group norm (one group per channel, over time) after the first
 *                      convolution only, as the Base models; {@code layer}: a layer norm over channels after
 *                      every convolution, as the Large models (default group)
 * @param convBias      whether the convolutions have biases (default false, as the Base models)
 * @param gradientScale multiplies the gradient that flows back into the convolutions (wav2vec 2.0's
 *                      feature_grad_mult; 0.1 in its Base recipe) without changing the forward pass; in (0, 1]
 *                      (default 1)
 */
public record WaveformCnnConfig(Integer channels, String norm, Boolean convBias, Double gradientScale) {
    public WaveformCnnConfig {
        channels = channels == null ? 512 : channels;
        norm = norm == null ? "group" : norm;
        convBias = convBias == null ? Boolean.FALSE : convBias;
        gradientScale = gradientScale == null ? 1.0 : gradientScale;
        if (channels < 1 || channels > 4096) {
            throw new IllegalArgumentException("channels must be in [1, 4096], got " + channels);
        }
        if (channels % 16 != 0) {
            throw new IllegalArgumentException("channels must be a multiple of 16, got " + channels + " (libtorch "
                    + "2.7.1's strided convolution computes wrong values at other widths on some CPUs); use "
                    + (channels / 16) * 16 + " or " + (channels / 16 + 1) * 16);
        }
        if (!norm.equals("group") && !norm.equals("layer")) {
            throw new IllegalArgumentException("norm must be group (Base models) or layer (Large models), got '"
                    + norm + "'");
        }
        if (!(gradientScale > 0 && gradientScale <= 1)) {
            throw new IllegalArgumentException("gradient_scale must be in (0, 1], got " + gradientScale
                    + " (wav2vec 2.0 Base uses 0.1)");
        }
    }
}
