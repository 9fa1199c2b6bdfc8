package dev.pretext.api.audio;

import java.util.Objects;

/**
 * Mono audio as floats in [-1, 1]. The platform's working rate is {@link #RATE} Hz: datasets resample to it.
 * The array is owned by the waveform: do not change it after construction.
 */
public record Waveform(float[] samples, int sampleRate) {
    public static final int RATE = 16_000;

    public Waveform {
        Objects.requireNonNull(samples, "samples");
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        }
    }

    public double seconds() {
        return samples.length / (double) sampleRate;
    }

    public int length() {
        return samples.length;
    }
}
