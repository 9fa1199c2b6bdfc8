package dev.pretext.core.data;

import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Augmentation;
import dev.pretext.api.data.Dataset;
import dev.pretext.api.data.FeatureAugmentation;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.model.Frontend;
import dev.pretext.core.UserError;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Audio to features for one utterance. Training view: load, crop to a seeded random window, waveform
 * augmentations, extract, normalise, feature augmentations; every augmentation gets its own split of the
 * utterance's seeded stream, waveform ones first, each kind in recipe order. Stateless and thread-safe as long
 * as the plugins are.
 *
 * <p>With a {@link FeatureCache}, the frontend's raw output for a whole, unchanged utterance is read from disk
 * instead of computed. The training view uses it only when it would have extracted exactly that audio (no crop,
 * and every waveform augmentation returned its input), so cache on and off give the same numbers bit for bit:
 * a frontend's frames at the edge of a crop are not the full utterance's frames cut at frame level.
 */
public final class FeaturePipeline {
    private final Dataset dataset;
    private final List<Augmentation> augmentations;
    private final List<FeatureAugmentation> featureAugmentations;
    private final Frontend frontend;
    private final double maxSeconds;
    private final long seed;
    private final FeatureStats normalisation;
    private final FeatureCache cache;
    private final FeatureCache.Counter counter = new FeatureCache.Counter();

    /** @param normalisation global feature statistics to normalise with, or null for the frontend's raw output */
    public FeaturePipeline(Dataset dataset, List<Augmentation> augmentations, Frontend frontend, double maxSeconds,
                           long seed, FeatureStats normalisation) {
        this(dataset, augmentations, List.of(), frontend, maxSeconds, seed, normalisation, null);
    }

    /**
     * @param augmentations        waveform augmentations, in the order applied
     * @param featureAugmentations feature augmentations, applied after normalisation, in this order
     * @param cache                where raw features are kept between epochs and runs, or null for none
     */
    public FeaturePipeline(Dataset dataset, List<Augmentation> augmentations,
                           List<FeatureAugmentation> featureAugmentations, Frontend frontend, double maxSeconds,
                           long seed, FeatureStats normalisation, FeatureCache cache) {
        this.dataset = dataset;
        this.augmentations = List.copyOf(augmentations);
        this.featureAugmentations = List.copyOf(featureAugmentations);
        this.frontend = frontend;
        this.maxSeconds = maxSeconds;
        this.seed = seed;
        this.normalisation = normalisation;
        this.cache = cache;
    }

    private Features normalise(Features f) {
        return normalisation == null ? f : normalisation.apply(f);
    }

    /** Training features and where in the utterance their audio starts (for frame-aligned targets). */
    public record Example(Features features, double startSeconds) {
    }

    /** Training view: cropped and augmented, different per epoch. */
    public Example training(Utterance u, int epoch) {
        Waveform loaded = load(u);
        Waveform w = loaded;
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
        Features raw;
        if (cache == null) {
            raw = frontend.extract(w);
        } else if (w == loaded) {
            // Augmentations hand back their input when they leave it alone: this is the whole, clean utterance.
            raw = cachedRaw(loaded);
        } else {
            counter.bypass();
            raw = frontend.extract(w);
        }
        Features f = normalise(raw);
        for (FeatureAugmentation a : featureAugmentations) {
            Features out = a.apply(f, rng.split());
            if (out.dim() != f.dim()) {
                throw new IllegalStateException("feature augmentation " + a.getClass().getName() + " returned "
                        + out.dim() + " values per frame for " + f.dim() + "; it must keep the dimension");
            }
            f = out;
        }
        return new Example(f, (double) start / Waveform.RATE);
    }

    /** Evaluation view: the whole utterance, no augmentation. */
    public Features clean(Utterance u) {
        return normalise(raw(u));
    }

    /** The frontend's output before any normalisation, for estimating statistics. */
    public Features raw(Utterance u) {
        Waveform w = load(u);
        return cache == null ? frontend.extract(w) : cachedRaw(w);
    }

    private Features cachedRaw(Waveform w) {
        String key = cache.key(w);
        FeatureCache.Lookup found = cache.read(key);
        if (found.hit()) {
            counter.hit();
            return found.features();
        }
        if (found.damaged()) {
            counter.damaged();
        }
        counter.miss();
        Features f = frontend.extract(w);
        if (!cache.write(key, f)) {
            counter.writeFailed();
        }
        return f;
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

    /** The feature cache, or null when the recipe keeps none. */
    public FeatureCache cache() {
        return cache;
    }

    /** What this pipeline's lookups found so far; all zero without a cache. */
    public FeatureCache.Stats cacheStats() {
        return counter.snapshot();
    }
}
