package dev.pretext.probes.asr;

/**
 * Training settings of the character recognition probe. They are fixed defaults on purpose: WER is only comparable
 * between upstreams probed with the same settings.
 *
 * @param epochs    passes over the training utterances (default 20)
 * @param lr        Adam learning rate (default 0.01)
 * @param batchSize utterances per optimiser step (default 4)
 * @param channels  width of the head's two convolutions (default 32: wider heads memorise minutes of probe data
 *                  instead of learning to spell)
 * @param kernel    frames each convolution sees (odd; default 5, so the head sees 9 frames, 90 ms at 100 Hz)
 */
public record AsrConfig(Integer epochs, Double lr, Integer batchSize, Integer channels, Integer kernel) {
    public static final int DEFAULT_EPOCHS = 20;
    public static final double DEFAULT_LR = 1e-2;
    public static final int DEFAULT_BATCH_SIZE = 4;
    public static final int DEFAULT_CHANNELS = 32;
    public static final int DEFAULT_KERNEL = 5;

    public AsrConfig {
        epochs = epochs == null ? DEFAULT_EPOCHS : epochs;
        lr = lr == null ? DEFAULT_LR : lr;
        batchSize = batchSize == null ? DEFAULT_BATCH_SIZE : batchSize;
        channels = channels == null ? DEFAULT_CHANNELS : channels;
        kernel = kernel == null ? DEFAULT_KERNEL : kernel;
        if (epochs < 1 || epochs > 1000) {
            throw new IllegalArgumentException("epochs must be in [1, 1000], got " + epochs);
        }
        if (!(lr > 0 && lr <= 1)) {
            throw new IllegalArgumentException("lr must be in (0, 1], got " + lr);
        }
        if (batchSize < 1 || batchSize > 4096) {
            throw new IllegalArgumentException("batch_size must be in [1, 4096] utterances, got " + batchSize);
        }
        if (channels < 1 || channels > 4096) {
            throw new IllegalArgumentException("channels must be in [1, 4096], got " + channels);
        }
        if (kernel < 1 || kernel > 31 || kernel % 2 == 0) {
            throw new IllegalArgumentException("kernel must be odd and in [1, 31] (frames), got " + kernel);
        }
    }

    /** Every key at its default. */
    public static AsrConfig defaults() {
        return new AsrConfig(null, null, null, null, null);
    }
}
