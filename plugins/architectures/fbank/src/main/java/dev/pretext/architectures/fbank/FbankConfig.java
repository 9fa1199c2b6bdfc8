package dev.pretext.architectures.fbank;

/**
 * Recipe keys of the {@code fbank} frontend (YAML: {@code bins}, {@code frame_ms}, {@code shift_ms}, {@code cmvn}).
 *
 * @param bins    mel bands per frame (default 80)
 * @param frameMs analysis window in milliseconds (default 25)
 * @param shiftMs hop between frames in milliseconds (default 10); the frame rate is 1000 / shift_ms
 * @param cmvn    per-utterance mean and variance normalisation of every band (default false: it erases what
 *                differs between utterances, such as a speaker's spectral envelope; the core normalises
 *                globally instead, see the recipe's feature_norm)
 */
public record FbankConfig(Integer bins, Double frameMs, Double shiftMs, Boolean cmvn) {
    public FbankConfig {
        bins = bins == null ? 80 : bins;
        frameMs = frameMs == null ? 25.0 : frameMs;
        shiftMs = shiftMs == null ? 10.0 : shiftMs;
        cmvn = cmvn == null ? Boolean.FALSE : cmvn;
        // Kaldi needs more than 3 bands; beyond 256 the triangles get narrower than an FFT bin.
        if (bins < 4 || bins > 256) {
            throw new IllegalArgumentException("bins must be in [4, 256], got " + bins);
        }
        if (!(frameMs >= 1.0 && frameMs <= 100.0)) {
            throw new IllegalArgumentException("frame_ms must be in [1, 100] milliseconds, got " + frameMs);
        }
        if (!(shiftMs >= 1.0 && shiftMs <= frameMs)) {
            throw new IllegalArgumentException(
                    "shift_ms must be in [1, frame_ms] = [1, " + frameMs + "] milliseconds, got " + shiftMs);
        }
        // Fail while binding the recipe rather than when the run starts: every band must cover an FFT bin.
        int fftLength = FbankFrontend.fftLength(FbankFrontend.samples(frameMs));
        try {
            FbankFrontend.melBank(bins, fftLength);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bins = " + bins + " is too many for frame_ms = " + frameMs
                    + " (" + fftLength + "-point FFT): " + e.getMessage());
        }
    }

    /** All defaults: 80 bins, 25 ms window, 10 ms shift, CMVN on. */
    public static FbankConfig defaults() {
        return new FbankConfig(null, null, null, null);
    }
}
