package dev.pretext.augmentations.pitch;

import java.util.List;

/**
 * Recipe keys of the {@code pitch} augmentation (YAML: {@code semitones}, {@code p}).
 *
 * @param semitones range {@code [min, max]} from which each call draws its shift uniformly; +12 is an octave up
 *                  (default [-2, 2])
 * @param p         probability of shifting an utterance at all (default 1.0)
 */
public record PitchConfig(List<Double> semitones, Double p) {
    /** An octave either way: beyond it the resampling step would discard most of the speech band. */
    static final double LIMIT = 12.0;

    public PitchConfig {
        semitones = semitones == null ? List.of(-2.0, 2.0) : semitones;
        p = p == null ? 1.0 : p;
        if (semitones.size() != 2 || semitones.get(0) == null || semitones.get(1) == null) {
            throw new IllegalArgumentException(
                    "semitones must be a range [min, max] of two numbers, e.g. [-2, 2]; got " + semitones);
        }
        double min = semitones.get(0);
        double max = semitones.get(1);
        if (!(min >= -LIMIT && max <= LIMIT && min <= max)) {
            throw new IllegalArgumentException("semitones must be [min, max] with -" + LIMIT + " <= min <= max <= "
                    + LIMIT + "; got " + semitones);
        }
        semitones = List.copyOf(semitones);
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("p must be in [0, 1], got " + p);
        }
    }

    public static PitchConfig defaults() {
        return new PitchConfig(null, null);
    }
}
