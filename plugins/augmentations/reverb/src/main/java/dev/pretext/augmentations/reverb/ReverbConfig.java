package dev.pretext.augmentations.reverb;

import java.util.List;

/**
 * Recipe keys of the {@code reverb} augmentation (YAML: {@code rt60}, {@code drr_db}, {@code p}).
 *
 * @param rt60  range {@code [min, max]} in seconds from which each call draws the reverberation time (the time
 *              the room's energy takes to fall by 60 dB) uniformly (default [0.2, 0.8])
 * @param drrDb range {@code [min, max]} in decibels from which each call draws the direct-to-reverberant energy
 *              ratio: high is a close microphone, low a distant one (default [0, 10])
 * @param p     probability of reverberating an utterance at all (default 1.0)
 */
public record ReverbConfig(List<Double> rt60, List<Double> drrDb, Double p) {
    /** From a dead booth to a large hall; longer tails only cost time. */
    static final double MIN_RT60 = 0.05;
    static final double MAX_RT60 = 3.0;
    static final double MIN_DRR_DB = -20.0;
    static final double MAX_DRR_DB = 30.0;

    public ReverbConfig {
        rt60 = range("rt60", rt60, List.of(0.2, 0.8), MIN_RT60, MAX_RT60, "seconds", "[0.2, 0.8]");
        drrDb = range("drr_db", drrDb, List.of(0.0, 10.0), MIN_DRR_DB, MAX_DRR_DB, "decibels", "[0, 10]");
        p = p == null ? 1.0 : p;
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("p must be in [0, 1], got " + p);
        }
    }

    private static List<Double> range(String key, List<Double> value, List<Double> fallback, double lowest,
                                      double highest, String unit, String example) {
        if (value == null) {
            return fallback;
        }
        if (value.size() != 2 || value.get(0) == null || value.get(1) == null) {
            throw new IllegalArgumentException(key + " must be a range [min, max] of two numbers, e.g. " + example
                    + "; got " + value);
        }
        double min = value.get(0);
        double max = value.get(1);
        if (!(min >= lowest && max <= highest && min <= max)) {
            throw new IllegalArgumentException(key + " must be [min, max] with " + lowest + " <= min <= max <= "
                    + highest + " " + unit + "; got " + value);
        }
        return List.copyOf(value);
    }

    public static ReverbConfig defaults() {
        return new ReverbConfig(null, null, null);
    }
}
