package dev.pretext.augmentations.specaugment;

import dev.pretext.api.audio.Features;
import dev.pretext.api.data.FeatureAugmentation;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * SpecAugment's frequency and time masks (Park et al., "SpecAugment: A Simple Data Augmentation Method for
 * Automatic Speech Recognition", Interspeech 2019), without time warping. Per utterance: with probability
 * {@code p} (one draw, skipped when p = 1), {@code freq_masks} frequency masks, each of a width f drawn uniformly
 * from 0..min(F, dim) and starting at f0 uniform in 0..dim - f, then {@code time_masks} time masks, each of a width
 * t uniform in 0..min(T, floor(time_ratio * frames)) and starting at t0 uniform in 0..frames - t. Masks may
 * overlap. Masked cells become {@code value}.
 *
 * <p>Returns new features and never changes the input's array; when {@code p} says no the input itself comes
 * back. Stateless, hence thread-safe.
 */
public final class SpecAugmentation implements FeatureAugmentation {
    private final SpecAugmentConfig config;

    @Inject
    public SpecAugmentation(SpecAugmentConfig config) {
        this.config = config;
    }

    public SpecAugmentConfig config() {
        return config;
    }

    /** One mask: {@code width} bins (or frames) from {@code start} on. */
    record Mask(int start, int width) {
    }

    /** The masks of one application. */
    record Plan(List<Mask> frequency, List<Mask> time) {
    }

    @Override
    public Features apply(Features input, RandomGenerator rng) {
        double p = config.p();
        if (p < 1.0 && rng.nextDouble() >= p) {
            return input;
        }
        return mask(input, draw(input.frames(), input.dim(), rng));
    }

    /** The masks for features of this shape, drawn in order: frequency masks, then time masks. */
    Plan draw(int frames, int dim, RandomGenerator rng) {
        // A width above the dimension would mask everything; clamp rather than fail, so one recipe serves
        // 80- and 40-bin frontends.
        int maxF = Math.min(config.freqWidth(), dim);
        List<Mask> frequency = new ArrayList<>(config.freqMasks());
        for (int i = 0; i < config.freqMasks(); i++) {
            frequency.add(drawMask(maxF, dim, rng));
        }
        int maxT = Math.min(config.timeWidth(), (int) Math.floor(config.timeRatio() * frames));
        List<Mask> time = new ArrayList<>(config.timeMasks());
        for (int i = 0; i < config.timeMasks(); i++) {
            time.add(drawMask(maxT, frames, rng));
        }
        return new Plan(List.copyOf(frequency), List.copyOf(time));
    }

    private static Mask drawMask(int maxWidth, int extent, RandomGenerator rng) {
        int width = rng.nextInt(maxWidth + 1);
        int start = rng.nextInt(extent - width + 1);
        return new Mask(start, width);
    }

    /** A masked copy. */
    Features mask(Features input, Plan plan) {
        int frames = input.frames();
        int dim = input.dim();
        float[] out = input.data().clone();
        float v = config.value().floatValue();
        for (Mask m : plan.frequency()) {
            for (int t = 0; t < frames; t++) {
                int row = t * dim;
                for (int d = m.start(); d < m.start() + m.width(); d++) {
                    out[row + d] = v;
                }
            }
        }
        for (Mask m : plan.time()) {
            Arrays.fill(out, m.start() * dim, (m.start() + m.width()) * dim, v);
        }
        return new Features(out, frames, dim);
    }
}
