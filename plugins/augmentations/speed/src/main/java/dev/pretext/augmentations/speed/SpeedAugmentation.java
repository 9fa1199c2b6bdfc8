package dev.pretext.augmentations.speed;

import be.tarsos.dsp.resample.Resampler;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Augmentation;
import jakarta.inject.Inject;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Speed perturbation: the utterance is resampled by 1/speed and played back at the original rate, so tempo and
 * pitch change together (Kaldi/ESPnet-style, like {@code sox speed}). The result has
 * {@code round(length / speed)} samples, clipped to [-1, 1].
 *
 * <p>With probability {@code p} (one draw, skipped when p = 1) a factor is then drawn uniformly from
 * {@code factors}. Thread-safe: each call resamples with its own copy of a prototype resampler.
 */
public final class SpeedAugmentation implements Augmentation {
    private final SpeedConfig config;
    /**
     * Building the windowed-sinc tables costs several milliseconds; the copy constructor clones them in a fraction
     * of that. The prototype itself never processes, so its state never changes.
     */
    private final Resampler prototype;

    @Inject
    public SpeedAugmentation(SpeedConfig config) {
        this.config = config;
        double fastest = config.factors().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double slowest = config.factors().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        // TarsosDSP's factor is output rate over input rate: the inverse of the speed.
        prototype = new Resampler(true, 1.0 / fastest, 1.0 / slowest);
    }

    public SpeedConfig config() {
        return config;
    }

    @Override
    public Waveform apply(Waveform input, RandomGenerator rng) {
        double p = config.p();
        if (p < 1.0 && rng.nextDouble() >= p) {
            return input;
        }
        List<Double> factors = config.factors();
        double speed = factors.get(rng.nextInt(factors.size()));
        return speed == 1.0 ? input : perturb(input, speed);
    }

    /** The utterance played at {@code speed} times its rate. */
    Waveform perturb(Waveform input, double speed) {
        float[] in = input.samples();
        int length = (int) Math.round(in.length / speed);
        if (in.length == 0 || length == 0) {
            return new Waveform(new float[0], input.sampleRate());
        }
        double factor = 1.0 / speed;
        // libresample flushes its filter tail on the last batch: it may emit a sample or two beyond the ideal
        // length, which we drop (or it may fall short on tiny inputs, which stay zero).
        float[] buffer = new float[length + 64];
        Resampler resampler = new Resampler(prototype);
        int consumed = 0;
        int produced = 0;
        while (produced < buffer.length) {
            Resampler.Result step = resampler.process(factor, in, consumed, in.length - consumed, true,
                    buffer, produced, buffer.length - produced);
            consumed += step.inputSamplesConsumed;
            produced += step.outputSamplesGenerated;
            if (step.outputSamplesGenerated == 0 && step.inputSamplesConsumed == 0) {
                break;
            }
        }
        float[] out = new float[length];
        int copied = Math.min(length, produced);
        for (int i = 0; i < copied; i++) {
            out[i] = Math.max(-1f, Math.min(1f, buffer[i]));
        }
        return new Waveform(out, input.sampleRate());
    }
}
