package dev.pretext.core.data;

import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Augmentation;
import dev.pretext.api.data.Dataset;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.model.Frontend;
import dev.pretext.core.UserError;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Audio to features for one utterance: load, crop to a seeded random window, augment (each with its own
 * seeded stream), extract. Stateless and thread-safe as long as the plugins are.
 */
public final class FeaturePipeline {
    private final Dataset dataset;
    private final List<Augmentation> augmentations;
    private final Frontend frontend;
    private final double maxSeconds;
    private final long seed;
    private final FeatureStats normalisation;

    /** @param normalisation global feature statistics to normalise with, or null for the frontend's raw output */
    public FeaturePipeline(Dataset dataset, List<Augmentation> augmentations, Frontend frontend, double maxSeconds,
                           long seed, FeatureStats normalisation) {
        this.dataset = dataset;
        this.augmentations = List.copyOf(augmentations);
        this.frontend = frontend;
        this.maxSeconds = maxSeconds;
        this.seed = seed;
        this.normalisation = normalisation;
    }

    private Features normalise(Features f) {
        return normalisation == null ? f : normalisation.apply(f);
    }

    /** Training features and where in the utterance their audio starts (for frame-aligned targets). */
    public record Example(Features features, double startSeconds) {
    }

    /** Training view: cropped and augmented, different per epoch. */
    public Example training(Utterance u, int epoch) {
        Waveform w = load(u);
        SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, epoch, u.id()));
        int max = (int) Math.round(maxSeconds * w.sampleRate());
        int start = 0;
        if (w.length() > max) {
            start = rng.nextInt(w.length() - max + 1);
            w = new Waveform(Arrays.copyOfRange(w.samples(), start, start + max), w.sampleRate());
        }
        for (Augmentation a : augmentations) {
            w = a.apply(w, rng.split());
        }
        return new Example(normalise(frontend.extract(w)), (double) start / Waveform.RATE);
    }

    /** Evaluation view: the whole utterance, no augmentation. */
    public Features clean(Utterance u) {
        return normalise(frontend.extract(load(u)));
    }

    /** The frontend's output before any normalisation, for estimating statistics. */
    public Features raw(Utterance u) {
        return frontend.extract(load(u));
    }

    private Waveform load(Utterance u) {
        try {
            Waveform w = dataset.audio(u);
            if (w.sampleRate() != Waveform.RATE) {
                throw new UserError("utterance " + u.id() + " (" + u.audio() + ") came at " + w.sampleRate()
                        + " Hz; datasets must deliver " + Waveform.RATE + " Hz");
            }
            return w;
        } catch (IOException e) {
            throw new UserError("cannot read audio of utterance " + u.id() + " from " + u.audio() + ": "
                    + e.getMessage() + "; fix or remove the file");
        }
    }

    public Frontend frontend() {
        return frontend;
    }
}
