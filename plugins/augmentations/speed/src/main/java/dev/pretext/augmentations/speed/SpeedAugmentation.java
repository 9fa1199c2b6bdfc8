package dev.pretext.augmentations.speed;

import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Augmentation;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Speed perturbation: the utterance is resampled by 1/speed and played back at the original rate, so tempo and
 * pitch change together (Kaldi/ESPnet-style, like {@code sox speed}). The result has
 * {@code round(length / speed)} samples, clipped to [-1, 1].
 *
 * <p>With probability {@code p} (one draw, skipped when p = 1) a factor is then drawn uniformly from
 * {@code factors}. The resampler ({@link SincResampler}) is built to agree with {@code sox speed}; its tables
 * are made once per factor here and only read afterwards, so calls from several threads share them safely.
 */
public final class SpeedAugmentation implements Augmentation {
    private final SpeedConfig config;
    /** One resampler per factor other than 1: building a table costs a few milliseconds, using it none. */
    private final Map<Double, SincResampler> resamplers;

    @Inject
    public SpeedAugmentation(SpeedConfig config) {
        this.config = config;
        Map<Double, SincResampler> tables = new HashMap<>();
        for (double f : config.factors()) {
            if (f != 1.0) {
                tables.computeIfAbsent(f, SincResampler::new);
            }
        }
        this.resamplers = Map.copyOf(tables);
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

    /** The utterance played at {@code speed} times its rate: {@code round(length / speed)} samples. */
    Waveform perturb(Waveform input, double speed) {
        float[] in = input.samples();
        int length = (int) Math.round(in.length / speed);
        if (in.length == 0 || length == 0) {
            return new Waveform(new float[0], input.sampleRate());
        }
        SincResampler resampler = resamplers.get(speed);
        if (resampler == null) { // a speed outside the configured factors (tests); built for this call only
            resampler = new SincResampler(speed);
        }
        float[] out = resampler.resample(in, length);
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(-1f, Math.min(1f, out[i]));
        }
        return new Waveform(out, input.sampleRate());
    }
}
