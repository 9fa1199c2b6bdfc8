package dev.pretext.augmentations.reverb;

import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Augmentation;
import jakarta.inject.Inject;

import java.util.random.RandomGenerator;

/**
 * Reverberation: the utterance convolved (by FFT) with a {@link RoomImpulse} drawn per call, RT60 and
 * direct-to-reverberant ratio uniform in their ranges. The output keeps the input's length (the tail past the
 * end is dropped, so frame alignments hold) and its RMS level (reverberation adds energy; a recipe's gain stage
 * should not have to undo it), and is clipped to [-1, 1]. Silent input comes back unchanged.
 *
 * <p>Draws, in order: the p coin (skipped when p = 1), RT60, DRR, then the impulse response. Stateless, hence
 * thread-safe.
 */
public final class ReverbAugmentation implements Augmentation {
    private final ReverbConfig config;

    @Inject
    public ReverbAugmentation(ReverbConfig config) {
        this.config = config;
    }

    public ReverbConfig config() {
        return config;
    }

    @Override
    public Waveform apply(Waveform input, RandomGenerator rng) {
        double p = config.p();
        if (p < 1.0 && rng.nextDouble() >= p) {
            return input;
        }
        return reverberate(input, drawImpulse(input.sampleRate(), rng));
    }

    RoomImpulse drawImpulse(int sampleRate, RandomGenerator rng) {
        double rt60 = uniform(config.rt60().get(0), config.rt60().get(1), rng);
        double drrDb = uniform(config.drrDb().get(0), config.drrDb().get(1), rng);
        return RoomImpulse.generate(rt60, drrDb, sampleRate, rng);
    }

    static Waveform reverberate(Waveform input, RoomImpulse room) {
        float[] x = input.samples();
        double energy = 0;
        for (float v : x) {
            energy += v * (double) v;
        }
        if (energy == 0) {
            return input;
        }
        double[] y = FftConvolution.convolve(x, room.taps(), x.length);
        double wet = 0;
        for (double v : y) {
            wet += v * v;
        }
        double gain = wet > 0 ? Math.sqrt(energy / wet) : 0;
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) Math.max(-1.0, Math.min(1.0, y[i] * gain));
        }
        return new Waveform(out, input.sampleRate());
    }

    private static double uniform(double min, double max, RandomGenerator rng) {
        return min + (max - min) * rng.nextDouble();
    }
}
