package dev.pretext.probes.phonemes;

/**
 * Training settings of the phone recognition probe. They are fixed defaults on purpose: PER is only comparable
 * between upstreams probed with the same settings.
 *
 * @param epochs    passes over the training utterances (default 60)
 * @param lr        Adam learning rate (default 0.005; 0.02 overshot on the quickstart data: PER above 1)
 * @param batchSize utterances per optimiser step (default 4)
 * @param hidden    width of one ReLU hidden layer in the head; 0 means a linear head, as in SUPERB's PR (default 0)
 */
public record PhonemesConfig(Integer epochs, Double lr, Integer batchSize, Integer hidden) {
    public static final int DEFAULT_EPOCHS = 60;
    public static final double DEFAULT_LR = 5e-3;
    public static final int DEFAULT_BATCH_SIZE = 4;
    public static final int DEFAULT_HIDDEN = 0;

    public PhonemesConfig {
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
    public static PhonemesConfig defaults() {
        return new PhonemesConfig(null, null, null, null);
    }
}
