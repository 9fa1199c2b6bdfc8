package dev.pretext.api.probe;

import dev.pretext.api.data.Utterance;
import org.osgi.annotation.versioning.ConsumerType;

import java.util.Optional;

/**
 * A SUPERB-style downstream task on a frozen upstream: a small head learns on top of a learnable,
 * softmax-weighted sum of all layers; the upstream is never updated.
 */
@ConsumerType
public interface Probe {
    /**
     * Why this utterance cannot be used by the task (e.g. "no phone alignment"), or empty when it can.
     * The core drops unusable utterances and fails clearly when none is left.
     */
    Optional<String> unusable(Utterance utterance);

    ProbeResult run(ProbeInput input);
}
