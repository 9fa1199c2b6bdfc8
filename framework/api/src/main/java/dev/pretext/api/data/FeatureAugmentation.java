package dev.pretext.api.data;

import dev.pretext.api.audio.Features;
import org.osgi.annotation.versioning.ConsumerType;

import java.util.random.RandomGenerator;

/**
 * A features-to-features transform applied to training features (SpecAugment's masks are one). The core runs
 * it after the frontend has extracted and the core has normalised the features, so a value of 0 is the
 * corpus mean of that bin. It never sees a learned frontend's output: a recipe that pairs one with a learned
 * (waveform) frontend is refused.
 *
 * <p>The contract is {@link Augmentation}'s: called from several loader threads at once, so keep no mutable
 * state outside the call; all randomness must come from {@code rng}, which the core seeds per utterance and
 * epoch; applying with a probability is the plugin's job. Never change {@code input}'s array: return new
 * {@link Features} (or {@code input} itself when this call leaves the utterance alone). The result must keep
 * the input's {@code dim}; it may keep or change the number of frames.
 *
 * <p>A recipe's {@code augment:} list may mix both kinds; a plugin implements exactly one of the two.
 *
 * @since data 1.2.0
 */
@ConsumerType
public interface FeatureAugmentation {
    Features apply(Features input, RandomGenerator rng);
}
