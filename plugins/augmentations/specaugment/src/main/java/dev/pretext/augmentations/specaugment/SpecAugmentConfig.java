package dev.pretext.augmentations.specaugment;

/**
 * Recipe keys of the {@code specaugment} augmentation (YAML: {@code p}, {@code freq_masks}, {@code freq_width},
 * {@code time_masks}, {@code time_width}, {@code time_ratio}, {@code value}). The defaults are Park et al.'s
 * LibriSpeech "LD" policy (2019) with shorter time masks, sized for 80-bin fbank at 100 frames a second.
 *
 * @param p         probability of masking an utterance at all (default 1.0)
 * @param freqMasks frequency masks per utterance (default 2)
 * @param freqWidth widest frequency mask in bins (F; default 27): each mask's width is drawn uniformly from
 *                  0..F; a value above the features' dimension is clamped to it when applied
 * @param timeMasks time masks per utterance (default 2)
 * @param timeWidth widest time mask in frames (T; default 40, i.e. 0.4 s of 10 ms frames)
 * @param timeRatio a time mask also covers at most this share of the utterance's frames (Park et al.'s p;
 *                  default 0.2), so short utterances are not wiped out; 1 lifts the cap, 0 turns time masks off
 * @param value     what masked cells become (default 0.0: the corpus mean, as the core normalises features
 *                  before feature augmentations; with {@code feature_norm: none} it is a raw feature value)
 */
public record SpecAugmentConfig(Double p, Integer freqMasks, Integer freqWidth, Integer timeMasks, Integer timeWidth,
                                Double timeRatio, Double value) {
    /** More masks than this is a typo, not a policy: the features would be all mask. */
    static final int MAX_MASKS = 100;

    public SpecAugmentConfig {
        p = p == null ? 1.0 : p;
        freqMasks = freqMasks == null ? 2 : freqMasks;
        freqWidth = freqWidth == null ? 27 : freqWidth;
        timeMasks = timeMasks == null ? 2 : timeMasks;
        timeWidth = timeWidth == null ? 40 : timeWidth;
        timeRatio = timeRatio == null ? 0.2 : timeRatio;
        value = value == null ? 0.0 : value;
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("p must be in [0, 1], got " + p);
        }
        count("freq_masks", freqMasks);
        count("time_masks", timeMasks);
        if (freqWidth < 0) {
            throw new IllegalArgumentException("freq_width (the widest frequency mask, in bins) must be >= 0, got "
                    + freqWidth);
        }
        if (timeWidth < 0) {
            throw new IllegalArgumentException("time_width (the widest time mask, in frames) must be >= 0, got "
                    + timeWidth);
        }
        if (!(timeRatio >= 0.0 && timeRatio <= 1.0)) {
            throw new IllegalArgumentException("time_ratio (the largest share of an utterance one time mask covers) "
                    + "must be in [0, 1], got " + timeRatio);
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("value (what masked cells become) must be a finite number, got "
                    + value);
        }
    }

    private static void count(String key, int n) {
        if (n < 0 || n > MAX_MASKS) {
            throw new IllegalArgumentException(key + " must be in [0, " + MAX_MASKS + "], got " + n);
        }
    }

    public static SpecAugmentConfig defaults() {
        return new SpecAugmentConfig(null, null, null, null, null, null, null);
    }
}
