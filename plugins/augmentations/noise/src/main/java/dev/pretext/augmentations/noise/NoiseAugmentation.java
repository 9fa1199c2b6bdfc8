package dev.pretext.augmentations.noise;

import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Augmentation;
import jakarta.inject.Inject;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Adds noise at a signal-to-noise ratio drawn uniformly from {@code snr_db}, measured over the whole utterance
 * (mean power of the speech over mean power of the added noise). The noise is a stretch of a recording from
 * {@code dir} (file and offset drawn per call) or coloured noise generated per call. If the mixture would
 * exceed full scale it is scaled down as a whole, which keeps the SNR exact instead of clipping. Silent
 * utterances (and silent noise stretches) come back unchanged: no SNR is defined for them.
 *
 * <p>Draws, in order: the p coin (skipped when p = 1), the SNR, then the noise. Stateless apart from the
 * immutable file index, hence thread-safe.
 */
public final class NoiseAugmentation implements Augmentation {
    private final NoiseConfig config;
    private final NoiseFiles files;

    @Inject
    public NoiseAugmentation(NoiseConfig config) {
        this.config = config;
        if (config.dir() == null) {
            files = null;
        } else {
            Path dir;
            try {
                dir = Path.of(config.dir());
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("dir '" + config.dir() + "' is not a valid folder path: " + e.getReason());
            }
            files = NoiseFiles.scan(dir);
        }
    }

    public NoiseConfig config() {
        return config;
    }

    /** Noise files left out of the folder, with the reason; empty for generated noise. */
    public List<String> skippedFiles() {
        return files == null ? List.of() : files.skipped();
    }

    @Override
    public Waveform apply(Waveform input, RandomGenerator rng) {
        double p = config.p();
        if (p < 1.0 && rng.nextDouble() >= p) {
            return input;
        }
        return add(input, drawSnrDb(rng), rng);
    }

    double drawSnrDb(RandomGenerator rng) {
        double min = config.snrDb().get(0);
        double max = config.snrDb().get(1);
        return min + (max - min) * rng.nextDouble();
    }

    Waveform add(Waveform input, double snrDb, RandomGenerator rng) {
        float[] x = input.samples();
        double signal = meanSquare(x);
        if (x.length == 0 || signal == 0) {
            return input;
        }
        double[] noise;
        if (files != null) {
            if (input.sampleRate() != NoiseFiles.RATE) {
                throw new IllegalArgumentException("the noise files are at " + NoiseFiles.RATE + " Hz but the audio is at "
                        + input.sampleRate() + " Hz");
            }
            noise = files.segment(rng, x.length);
        } else {
            noise = ColouredNoise.generate(config.colour(), x.length, input.sampleRate(), rng);
        }
        double noisePower = 0;
        for (double v : noise) {
            noisePower += v * v;
        }
        noisePower /= noise.length;
        if (noisePower == 0) {
            return input;
        }
        double gain = Math.sqrt(signal / (noisePower * Math.pow(10.0, snrDb / 10.0)));
        double[] mix = new double[x.length];
        double peak = 0;
        for (int i = 0; i < x.length; i++) {
            mix[i] = x[i] + gain * noise[i];
            peak = Math.max(peak, Math.abs(mix[i]));
        }
        double scale = peak > 1.0 ? 1.0 / peak : 1.0;
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (mix[i] * scale);
        }
        return new Waveform(out, input.sampleRate());
    }

    private static double meanSquare(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v * (double) v;
        }
        return x.length == 0 ? 0 : s / x.length;
    }
}
