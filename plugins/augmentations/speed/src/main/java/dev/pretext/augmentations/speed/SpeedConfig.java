package dev.pretext.augmentations.speed;

import java.util.List;

/**
 * Recipe keys of the {@code speed} augmentation (YAML: {@code factors}, {@code p}).
 *
 * @param factors speeds to choose from, uniformly, per call; 1.1 plays 10% faster and higher, like
 *                {@code sox speed 1.1} (default [0.9, 1.0, 1.1])
 * @param p       probability of perturbing an utterance at all (default 1.0)
 */
public record SpeedConfig(List<Double> factors, Double p) {
    /** Open range of the factors: beyond it the pitch change stops being a plausible voice. */
    static final double MIN_FACTOR = 0.5;
    static final double MAX_FACTOR = 2.0;

    public SpeedConfig {
        factors = factors == null ? List.of(0.9, 1.0, 1.1) : factors;
        p = p == null ? 1.0 : p;
        if (factors.isEmpty()) {
            throw new IllegalArgumentException("factors must list at least one speed, e.g. [0.9, 1.0, 1.1]");
        }
        for (int i = 0; i < factors.size(); i++) {
            Double f = factors.get(i);
            if (f == null || !(f > MIN_FACTOR && f < MAX_FACTOR)) {
                throw new IllegalArgumentException("factors must each be in (" + MIN_FACTOR + ", " + MAX_FACTOR
                        + "), got " + f + " at position " + i + " of " + factors);
            }
        }
        factors = List.copyOf(factors);
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("p must be in [0, 1], got " + p);
        }
    }

    public static SpeedConfig defaults() {
        return new SpeedConfig(null, null);
    }
}
