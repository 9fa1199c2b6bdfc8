package dev.pretext.api.data;

import dev.pretext.api.audio.Waveform;

import java.util.random.RandomGenerator;

/**
 * A waveform-to-waveform transform applied to training audio. Called from several loader threads at once:
 * keep no mutable state outside the call. All randomness must come from {@code rng}, which the core seeds per
 * utterance and epoch, so that runs are reproducible. Applying with probability {@code p} is the plugin's job.
 */
public interface Augmentation {
    Waveform apply(Waveform input, RandomGenerator rng);
}
