package dev.pretext.augmentations.noise;

import java.util.List;
import java.util.Locale;

/**
 * Recipe keys of the {@code noise} augmentation (YAML: {@code snr_db}, {@code dir}, {@code colour}, {@code p}).
 *
 * @param snrDb  range {@code [min, max]} in decibels from which each call draws its signal-to-noise ratio
 *               uniformly (default [5, 20])
 * @param dir    a folder of noise recordings (16 kHz mono WAV, searched recursively); give either this or
 *               {@code colour}
 * @param colour generated noise instead of recordings: {@code white}, {@code pink} or {@code brown} (the default
 *               when {@code dir} is not given)
 * @param p      probability of adding noise to an utterance at all (default 1.0)
 */
public record NoiseConfig(List<Double> snrDb, String dir, String colour, Double p) {
    static final double MIN_SNR_DB = -20.0;
    static final double MAX_SNR_DB = 60.0;
    static final List<String> COLOURS = List.of("white", "pink", "brown");

    public NoiseConfig {
        snrDb = snrDb == null ? List.of(5.0, 20.0) : snrDb;
        p = p == null ? 1.0 : p;
        if (snrDb.size() != 2 || snrDb.get(0) == null || snrDb.get(1) == null) {
            throw new IllegalArgumentException(
                    "snr_db must be a range [min, max] of two numbers, e.g. [5, 20]; got " + snrDb);
        }
        double min = snrDb.get(0);
        double max = snrDb.get(1);
        if (!(min >= MIN_SNR_DB && max <= MAX_SNR_DB && min <= max)) {
            throw new IllegalArgumentException("snr_db must be [min, max] with " + MIN_SNR_DB + " <= min <= max <= "
                    + MAX_SNR_DB + " decibels; got " + snrDb);
        }
        snrDb = List.copyOf(snrDb);
        if (dir != null && colour != null) {
            throw new IllegalArgumentException("give either dir (a folder of noise recordings) or colour (generated "
                    + "noise: " + String.join(", ", COLOURS) + "), not both");
        }
        if (dir != null && dir.isBlank()) {
            throw new IllegalArgumentException("dir must name a folder of 16 kHz mono WAV noise files, got an empty string");
        }
        if (dir == null) {
            String c = colour == null ? "white" : colour.trim().toLowerCase(Locale.ROOT);
            if (!COLOURS.contains(c)) {
                throw new IllegalArgumentException("colour must be one of " + String.join(", ", COLOURS) + "; got '"
                        + colour + "'");
            }
            colour = c;
        }
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("p must be in [0, 1], got " + p);
        }
    }

    public static NoiseConfig defaults() {
        return new NoiseConfig(null, null, null, null);
    }
}
