package dev.pretext.api.audio;

/**
 * What a frontend produces: {@code dim} values per frame at {@code frameRateHz} frames per second.
 * The core binds it for encoders, objectives and probes.
 */
public record FeatureSpec(int dim, double frameRateHz) {
    public FeatureSpec {
        if (dim <= 0 || !(frameRateHz > 0)) {
            throw new IllegalArgumentException("feature spec needs dim > 0 and a positive frame rate");
        }
    }

    /** Frames covering {@code seconds} of audio, rounded down. */
    public int frames(double seconds) {
        return (int) Math.floor(seconds * frameRateHz);
    }
}
