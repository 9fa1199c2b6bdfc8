package dev.pretext.augmentations.pitch;

import be.tarsos.dsp.resample.Resampler;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Augmentation;
import jakarta.inject.Inject;

import java.util.random.RandomGenerator;

/**
 * Pitch shift with the duration kept. The utterance is first resampled as if played {@code r = 2^(s/12)} times
 * faster (pitch and tempo up by r, like {@code sox speed r}), then time-stretched back to its exact original
 * length by {@link Wsola}, which repeats or drops whole pitch periods and so leaves the pitch where resampling put
 * it. Timing is kept too: a sound at second t stays near second t (within a WSOLA frame), so phone alignments
 * remain valid. The result is clipped to [-1, 1].
 *
 * <p>With probability {@code p} (one draw, skipped when p = 1) a shift is then drawn uniformly from
 * {@code semitones}. Thread-safe: each call resamples with its own copy of a prototype resampler.
 */
public final class PitchAugmentation implements Augmentation {
    private final PitchConfig config;
    /** Building the windowed-sinc tables costs milliseconds; copies share nothing mutable with the prototype. */
    private final Resampler prototype;

    @Inject
    public PitchAugmentation(PitchConfig config) {
        this.config = config;
        double highest = ratio(config.semitones().get(1));
        double lowest = ratio(config.semitones().get(0));
        // TarsosDSP's factor is output rate over input rate: the inverse of the speed-up.
        prototype = new Resampler(true, 1.0 / highest, 1.0 / lowest);
    }

    public PitchConfig config() {
        return config;
    }

    @Override
    public Waveform apply(Waveform input, RandomGenerator rng) {
        double p = config.p();
        if (p < 1.0 && rng.nextDouble() >= p) {
            return input;
        }
        double min = config.semitones().get(0);
        double max = config.semitones().get(1);
        double semitones = min + (max - min) * rng.nextDouble();
        return semitones == 0.0 ? input : shift(input, semitones);
    }

    static double ratio(double semitones) {
        return Math.pow(2.0, semitones / 12.0);
    }

    /** The utterance with every frequency multiplied by {@code 2^(semitones/12)} and its length unchanged. */
    Waveform shift(Waveform input, double semitones) {
        float[] in = input.samples();
        if (in.length == 0) {
            return input;
        }
        double ratio = ratio(semitones);
        float[] faster = resample(in, ratio);
        float[] out = Wsola.stretch(faster, in.length, input.sampleRate());
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(-1f, Math.min(1f, out[i]));
        }
        return new Waveform(out, input.sampleRate());
    }

    /** {@code in} played {@code speed} times faster: {@code round(length / speed)} samples (at least one). */
    private float[] resample(float[] in, double speed) {
        int length = Math.max(1, (int) Math.round(in.length / speed));
        // libresample flushes its filter tail on the last batch: it may emit a sample or two beyond the ideal
        // length, which we drop (or fall short on tiny inputs, which stay zero).
        float[] buffer = new float[length + 64];
        Resampler resampler = new Resampler(prototype);
        int consumed = 0;
        int produced = 0;
        while (produced < buffer.length) {
            Resampler.Result step = resampler.process(1.0 / speed, in, consumed, in.length - consumed, true,
                    buffer, produced, buffer.length - produced);
            consumed += step.inputSamplesConsumed;
            produced += step.outputSamplesGenerated;
            if (step.outputSamplesGenerated == 0 && step.inputSamplesConsumed == 0) {
                break;
            }
        }
        float[] out = new float[length];
        System.arraycopy(buffer, 0, out, 0, Math.min(length, produced));
        return out;
    }
}
