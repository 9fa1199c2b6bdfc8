package dev.pretext.architectures.fbank;

/**
 * Recipe keys of the {@code fbank} frontend (YAML: {@code bins}, {@code frame_ms}, {@code shift_ms}, {@code cmvn},
 * {@code stack}, {@code subsample}).
 *
 * @param bins    mel bands per frame (default 80)
 * @param frameMs analysis window in milliseconds (default 25)
 * @param shiftMs hop between frames in milliseconds (default 10); the frame rate is 1000 / shift_ms
 * @param cmvn    per-utterance mean and variance normalisation of every band (default false: it erases what
 *                differs between utterances, such as a speaker's spectral envelope; the core normalises
 *                globally instead, see the recipe's feature_norm)
 * @param stack     concatenate this many consecutive frames into one (bins x stack values at 1/stack the frame
 *                  rate; 2 gives the 20 ms frames of a waveform CNN, so both frontends can feed one body;
 *                  default 1); a partial group at the end is dropped
 * @param subsample keep every n-th frame only (bins values at 1/n the frame rate; default 1)
 */
public record FbankConfig(Integer bins, Double frameMs, Double shiftMs, Boolean cmvn, Integer stack,
                          Integer subsample) {
    public FbankConfig {
        bins = bins == null ? 80 : bins;
        frameMs = frameMs == null ? 25.0 : frameMs;
        shiftMs = shiftMs == null ? 10.0 : shiftMs;
        cmvn = cmvn == null ? Boolean.FALSE : cmvn;
        stack = stack == null ? 1 : stack;
        subsample = subsample == null ? 1 : subsample;
        if (stack < 1 || stack > 16 || subsample < 1 || subsample > 16) {
            throw new IllegalArgumentException("stack and subsample must be in [1, 16], got stack=" + stack
                    + ", subsample=" + subsample);
        }
        if (stack > 1 && subsample > 1) {
            throw new IllegalArgumentException("give stack or subsample, not both (stack keeps every frame's values, "
                    + "subsample drops frames)");
        }
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

    /** All defaults: 80 bins, 25 ms window, 10 ms shift, no CMVN, every frame kept. */
    public static FbankConfig defaults() {
        return new FbankConfig(null, null, null, null, null, null);
    }

    /** Input frames behind one output frame. */
    int grouping() {
        return Math.max(stack, subsample);
    }
}
