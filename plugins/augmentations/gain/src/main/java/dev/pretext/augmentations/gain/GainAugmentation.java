package dev.pretext.augmentations.gain;

import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Augmentation;
import jakarta.inject.Inject;

import java.util.random.RandomGenerator;

/**
 * Scales the utterance by a gain drawn uniformly in decibels from {@code db}, then clips to [-1, 1].
 * With probability {@code p} (one draw, skipped when p = 1) the gain is applied; otherwise the input comes back
 * unchanged. Stateless, hence thread-safe.
 */
public final class GainAugmentation implements Augmentation {
    private final GainConfig config;

    @Inject
    public GainAugmentation(GainConfig config) {
        this.config = config;
    }

    public GainConfig config() {
        return config;
    }

    @Override
    public Waveform apply(Waveform input, RandomGenerator rng) {
        double p = config.p();
        if (p < 1.0 && rng.nextDouble() >= p) {
            return input;
        }
        return scale(input, drawDb(rng));
    }

    /** The gain of one application, uniform in [min, max] decibels. */
    double drawDb(RandomGenerator rng) {
        double min = config.db().get(0);
        double max = config.db().get(1);
        return min + (max - min) * rng.nextDouble();
    }

    static Waveform scale(Waveform input, double db) {
        float factor = (float) Math.pow(10.0, db / 20.0);
        float[] in = input.samples();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = Math.max(-1f, Math.min(1f, in[i] * factor));
        }
        return new Waveform(out, input.sampleRate());
    }
}
