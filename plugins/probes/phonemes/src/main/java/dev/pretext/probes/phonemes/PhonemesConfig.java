package dev.pretext.probes.phonemes;

/**
 * Training settings of the phone probe. They are fixed defaults on purpose: PER is only comparable between
 * upstreams probed with the same settings.
 *
 * @param epochs      passes over the training frames (default 8)
 * @param lr          Adam learning rate (default 0.005)
 * @param batchFrames frames per optimiser step, drawn at random across utterances (default 512)
 * @param hidden      width of one ReLU hidden layer in the head; 0 means a linear head (default 0)
 * @param smoothFrames width of the majority vote over frame predictions before collapsing (odd; 1 = none;
 *                     default 5, i.e. 50 ms at 100 Hz, shorter than nearly every phone)
 */
public record PhonemesConfig(Integer epochs, Double lr, Integer batchFrames, Integer hidden, Integer smoothFrames) {
    public static final int DEFAULT_EPOCHS = 8;
    public static final double DEFAULT_LR = 5e-3;
    public static final int DEFAULT_BATCH_FRAMES = 512;
    public static final int DEFAULT_HIDDEN = 0;
    public static final int DEFAULT_SMOOTH_FRAMES = 5;

    public PhonemesConfig {
        epochs = epochs == null ? DEFAULT_EPOCHS : epochs;
        lr = lr == null ? DEFAULT_LR : lr;
        batchFrames = batchFrames == null ? DEFAULT_BATCH_FRAMES : batchFrames;
        hidden = hidden == null ? DEFAULT_HIDDEN : hidden;
        smoothFrames = smoothFrames == null ? DEFAULT_SMOOTH_FRAMES : smoothFrames;
        if (epochs < 1 || epochs > 1000) {
            throw new IllegalArgumentException("epochs must be in [1, 1000], got " + epochs);
        }
        if (!(lr > 0 && lr <= 1)) {
            throw new IllegalArgumentException("lr must be in (0, 1], got " + lr);
        }
        if (batchFrames < 1 || batchFrames > 65536) {
            throw new IllegalArgumentException("batch_frames must be in [1, 65536], got " + batchFrames);
        }
        if (hidden < 0 || hidden > 8192) {
            throw new IllegalArgumentException("hidden must be in [0, 8192] (0 = linear head), got " + hidden);
        }

        if (smoothFrames < 1 || smoothFrames > 51 || smoothFrames % 2 == 0) {
            throw new IllegalArgumentException("smooth_frames must be odd and in [1, 51] (1 = no smoothing), got "
                    + smoothFrames);
        }
    }

    /** Every key at its default. */
    public static PhonemesConfig defaults() {
        return new PhonemesConfig(null, null, null, null, null);
    }
}
