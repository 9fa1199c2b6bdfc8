package dev.pretext.probes.phoneframes;

/**
 * Training settings of the frame-wise phone probe. Fixed defaults on purpose: accuracies are only comparable
 * between upstreams probed with the same settings.
 *
 * @param epochs    passes over the training utterances (default 20)
 * @param lr        Adam learning rate (default 0.01: on the synthetic test corpus 0.002 had not converged after
 *                  20 epochs, and the head seed moved the accuracy by 0.05; at 0.01 by less than 0.003)
 * @param batchSize utterances per optimiser step (default 8)
 * @param hidden    width of one ReLU hidden layer in the head; 0 means a linear head, as in TERA's phone
 *                  classification (default 0)
 */
public record PhoneFramesConfig(Integer epochs, Double lr, Integer batchSize, Integer hidden) {
    public static final int DEFAULT_EPOCHS = 20;
    public static final double DEFAULT_LR = 1e-2;
    public static final int DEFAULT_BATCH_SIZE = 8;
    public static final int DEFAULT_HIDDEN = 0;

    public PhoneFramesConfig {
        epochs = epochs == null ? DEFAULT_EPOCHS : epochs;
        lr = lr == null ? DEFAULT_LR : lr;
        batchSize = batchSize == null ? DEFAULT_BATCH_SIZE : batchSize;
        hidden = hidden == null ? DEFAULT_HIDDEN : hidden;
        if (epochs < 1 || epochs > 1000) {
            throw new IllegalArgumentException("epochs must be in [1, 1000], got " + epochs);
        }
        if (!(lr > 0 && lr <= 1)) {
            throw new IllegalArgumentException("lr must be in (0, 1], got " + lr);
        }
        if (batchSize < 1 || batchSize > 4096) {
            throw new IllegalArgumentException("batch_size must be in [1, 4096] utterances, got " + batchSize);
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
