package dev.pretext.api.data;

import dev.pretext.api.audio.Waveform;
import org.osgi.annotation.versioning.ConsumerType;

import java.util.random.RandomGenerator;

/**
 * A waveform-to-waveform transform applied to training audio. Called from several loader threads at once:
 * keep no mutable state outside the call. All randomness must come from {@code rng}, which the core seeds per
 * utterance and epoch, so that runs are reproducible. Applying with probability {@code p} is the plugin's job.
 *
 * <p>Never change {@code input}'s samples. When a call leaves the utterance alone (its probability said no),
 * return {@code input} itself: the core then knows the audio is unchanged and may use cached features for it
 * (see the recipe's {@code data.feature_cache}). Returning an equal copy is correct too, only slower.
 *
 * <p>For transforms of the frontend's features rather than the audio, see {@link FeatureAugmentation}.
 */
@ConsumerType
public interface Augmentation {
    Waveform apply(Waveform input, RandomGenerator rng);
}
