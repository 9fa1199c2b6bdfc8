package dev.pretext.probes.phoneframes;

/**
 * Training settings of the frame-wise phone probe. Fixed defaults on purpose: accuracies are only comparable
 * between upstreams probed with the same settings.
 *
 * <p>The defaults train the head to convergence, not for a fixed small effort: with 1.0.0's 20 epochs of
 * 8-utterance batches at a fixed rate, a 0.4 M-parameter encoder's accuracy went 0.503 at 20 epochs, 0.556 at 60
 * and 0.589 at 200 while its random initialisation went 0.527, 0.561 and 0.577, so the ranking of the two flipped
 * with the probe's effort. A probe that has not converged measures how fast a head learns on a representation,
 * not what the representation holds. On that encoder these defaults came within 0.002 of 320 epochs at lr 0.01
 * (docs/PROBES.md has the table).
 *
 * @param epochs      passes over the training frames (default 80)
 * @param lr          Adam's peak learning rate, decayed to zero along a cosine over all steps (default 0.1)
 * @param batchFrames speech frames per optimiser step, drawn across utterances (default 256)
 * @param hidden      width of one ReLU hidden layer in the head; 0 means a linear head, as in TERA's phone
 *                    classification (default 0)
 */
public record PhoneFramesConfig(Integer epochs, Double lr, Integer batchFrames, Integer hidden) {
    public static final int DEFAULT_EPOCHS = 80;
    public static final double DEFAULT_LR = 0.1;
    public static final int DEFAULT_BATCH_FRAMES = 256;
    public static final int DEFAULT_HIDDEN = 0;

    public PhoneFramesConfig {
        epochs = epochs == null ? DEFAULT_EPOCHS : epochs;
        lr = lr == null ? DEFAULT_LR : lr;
        batchFrames = batchFrames == null ? DEFAULT_BATCH_FRAMES : batchFrames;
        hidden = hidden == null ? DEFAULT_HIDDEN : hidden;
        if (epochs < 1 || epochs > 1000) {
            throw new IllegalArgumentException("epochs must be in [1, 1000], got " + epochs);
        }
        if (!(lr > 0 && lr <= 1)) {
            throw new IllegalArgumentException("lr must be in (0, 1], got " + lr);
        }
        if (batchFrames < 1 || batchFrames > 1_000_000) {
            throw new IllegalArgumentException("batch_frames must be in [1, 1000000] frames, got " + batchFrames);
        }
        if (hidden < 0 || hidden > 8192) {
            throw new IllegalArgumentException("hidden must be in [0, 8192] (0 = linear head), got " + hidden);
        }
    }

    /** Every key at its default. */
    public static PhoneFramesConfig defaults() {
        return new PhoneFramesConfig(null, null, null, null);
    }
}
