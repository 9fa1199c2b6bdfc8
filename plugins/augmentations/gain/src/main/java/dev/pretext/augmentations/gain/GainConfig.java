package dev.pretext.augmentations.gain;

import java.util.List;

/**
 * Recipe keys of the {@code gain} augmentation (YAML: {@code db}, {@code p}).
 *
 * @param db range {@code [min, max]} in decibels from which each call draws its gain uniformly (default [-6, 6])
 * @param p  probability of changing an utterance at all (default 1.0)
 */
public record GainConfig(List<Double> db, Double p) {
    /** Beyond +-60 dB speech is either inaudible or nothing but clipping. */
    static final double LIMIT_DB = 60.0;

    public GainConfig {
        db = db == null ? List.of(-6.0, 6.0) : db;
        p = p == null ? 1.0 : p;
        if (db.size() != 2 || db.get(0) == null || db.get(1) == null) {
            throw new IllegalArgumentException("db must be a range [min, max] of two numbers, e.g. [-6, 6]; got " + db);
        }
        double min = db.get(0);
        double max = db.get(1);
        if (!(min >= -LIMIT_DB && max <= LIMIT_DB && min <= max)) {
            throw new IllegalArgumentException("db must be [min, max] with -" + LIMIT_DB + " <= min <= max <= "
                    + LIMIT_DB + " decibels; got " + db);
        }
        db = List.copyOf(db);
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("p must be in [0, 1], got " + p);
        }
    }

    public static GainConfig defaults() {
        return new GainConfig(null, null);
    }
}
