package dev.pretext.testkit;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.model.TrainingBatch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One padded batch of real-signal features that every objective test shares: four utterances (chirps, a tone in
 * noise, a two-component mix) of 0.8 to 1.2 s, as log band energies at 100 frames per second ({@link
 * SpectralFeatures}), normalised per bin over the real frames; padding is zero. Rows have different lengths, so
 * padding is exercised.
 *
 * @param features [size x frames x bins] row-major
 * @param lengths  real frames per row
 * @param frames   padded frames per row
 * @param bins     feature values per frame
 */
public record SpectralBatch(float[] features, int[] lengths, int frames, int bins) {
    /** Frames per second of {@link SpectralFeatures}. */
    public static final double FRAME_RATE = 100;

    /** The shared batch with {@code bins} bands per frame. */
    public static SpectralBatch of(int bins) {
        Waveform[] waves = {
                Signals.chirp(200, 4000, 1.2, 0.5),
                mix(Signals.tone(440, 1.0, 0.3), Signals.noise(1.0, 0.02, 1)),
                Signals.chirp(3000, 300, 0.8, 0.4),
                mix(Signals.chirp(500, 1500, 1.2, 0.3), Signals.tone(2500, 1.2, 0.2)),
        };
        int[] lengths = new int[waves.length];
        int frames = 0;
        for (int b = 0; b < waves.length; b++) {
            lengths[b] = SpectralFeatures.frameCount(waves[b]);
            frames = Math.max(frames, lengths[b]);
        }
        float[] features = new float[waves.length * frames * bins];
        for (int b = 0; b < waves.length; b++) {
            float[] bands = SpectralFeatures.logBands(waves[b], bins, lengths[b]);
            System.arraycopy(bands, 0, features, b * frames * bins, bands.length);
        }
        normalise(features, lengths, frames, bins);
        return new SpectralBatch(features, lengths, frames, bins);
    }

    public int size() {
        return lengths.length;
    }

    /** 1 for real frames, 0 for padding, [size x frames]. */
    public float[] validMask() {
        float[] valid = new float[lengths.length * frames];
        for (int b = 0; b < lengths.length; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                valid[b * frames + t] = 1f;
            }
        }
        return valid;
    }

    /** The batch under {@code step}, with its random stream seeded by {@code rngSeed}. */
    public TrainingBatch batch(NDManager step, long rngSeed) {
        return batch(step, features, rngSeed);
    }

    /** The batch's shape and masks with other feature values (e.g. garbage in the padding). */
    public TrainingBatch batch(NDManager step, float[] data, long rngSeed) {
        if (data.length != features.length) {
            throw new IllegalArgumentException("expected " + features.length + " feature values, got " + data.length);
        }
        List<Utterance> utterances = new ArrayList<>();
        for (int b = 0; b < lengths.length; b++) {
            utterances.add(new Utterance("u" + b, Path.of("u" + b + ".wav"), lengths[b] / FRAME_RATE, null, null,
                    null));
        }
        return new TrainingBatch(step.create(data, new Shape(lengths.length, frames, bins)),
                step.create(validMask(), new Shape(lengths.length, frames)), lengths.clone(), utterances, step,
                new SplittableRandom(rngSeed));
    }

    /** The features with every padded value replaced by large random numbers drawn from {@code seed}. */
    public float[] withGarbagePadding(long seed) {
        float[] dirty = features.clone();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int b = 0; b < lengths.length; b++) {
            for (int i = lengths[b] * bins; i < frames * bins; i++) {
                dirty[b * frames * bins + i] = (float) (10 * rng.nextDouble() - 5);
            }
        }
        return dirty;
    }

    private static Waveform mix(Waveform a, Waveform b) {
        float[] x = a.samples().clone();
        for (int i = 0; i < Math.min(x.length, b.length()); i++) {
            x[i] += b.samples()[i];
        }
        return new Waveform(x, a.sampleRate());
    }

    /**
     * Per-bin mean and variance normalisation, in place, of a padded row-major [batch, frames, bins] array over
     * its real frames ({@code lengths}); padding stays 0.
     */
    public static void normalise(float[] x, int[] lengths, int frames, int bins) {
        for (int f = 0; f < bins; f++) {
            double sum = 0;
            double squares = 0;
            int count = 0;
            for (int b = 0; b < lengths.length; b++) {
                for (int t = 0; t < lengths[b]; t++) {
                    double v = x[(b * frames + t) * bins + f];
                    sum += v;
                    squares += v * v;
                    count++;
                }
            }
            double mean = sum / count;
            double std = Math.sqrt(Math.max(1e-8, squares / count - mean * mean));
            for (int b = 0; b < lengths.length; b++) {
                for (int t = 0; t < lengths[b]; t++) {
                    int at = (b * frames + t) * bins + f;
                    x[at] = (float) ((x[at] - mean) / std);
                }
            }
        }
    }
}
