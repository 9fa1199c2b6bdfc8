package dev.pretext.probes.speakers;

/**
 * Training settings of the speaker probe. They are fixed defaults on purpose: accuracy is only comparable
 * between upstreams probed with the same settings.
 *
 * @param epochs    passes over the training utterances (default 60)
 * @param lr        Adam learning rate (default 0.005)
 * @param batchSize utterances per optimiser step (default 16)
 */
public record SpeakersConfig(Integer epochs, Double lr, Integer batchSize) {
    public static final int DEFAULT_EPOCHS = 60;
    public static final double DEFAULT_LR = 5e-3;
    public static final int DEFAULT_BATCH_SIZE = 16;

    public SpeakersConfig {
        epochs = epochs == null ? DEFAULT_EPOCHS : epochs;
        lr = lr == null ? DEFAULT_LR : lr;
        batchSize = batchSize == null ? DEFAULT_BATCH_SIZE : batchSize;
        if (epochs < 1 || epochs > 10000) {
            throw new IllegalArgumentException("epochs must be in [1, 10000], got " + epochs);
        }
        if (!(lr > 0 && lr <= 1)) {
            throw new IllegalArgumentException("lr must be in (0, 1], got " + lr);
        }
        if (batchSize < 1 || batchSize > 65536) {
            throw new IllegalArgumentException("batch_size must be in [1, 65536], got " + batchSize);
        }
    }

    /** Every key at its default. */
    public static SpeakersConfig defaults() {
        return new SpeakersConfig(null, null, null);
    }
}
