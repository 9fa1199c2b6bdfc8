package dev.pretext.api.model;

import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Turns audio into frame features on CPU loader threads (no trainable parameters). Must be thread-safe.
 */
@ConsumerType
public interface Frontend {
    FeatureSpec spec();

    Features extract(Waveform waveform);

    /** Approximate floating-point operations per output frame, for the compute report (CPU side). */
    double flopsPerFrame();
}
