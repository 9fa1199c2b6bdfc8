package dev.pretext.api.model;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where the parts of a training step report the compute they executed. The core owns the meter and turns
 * forward counts into training counts: a part run with gradients costs forward + backward (2x forward, for
 * the gradients of both inputs and weights); a part run without gradients (a frozen teacher) costs forward only.
 */
@ProviderType
public interface FlopMeter {
    void record(FlopCount forward, boolean withGradients);
}
