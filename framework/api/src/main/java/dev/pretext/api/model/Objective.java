package dev.pretext.api.model;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.pretext.api.annotation.Experimental;
import dev.pretext.api.data.Utterance;
import org.osgi.annotation.versioning.ConsumerType;

import java.util.List;
import java.util.Optional;

/**
 * A self-supervised training objective: it decides what the encoder sees (masking), what it must predict,
 * and the loss. Its heads are trained with the encoder and discarded after pre-training.
 */
@ConsumerType
public interface Objective {
    /** The block holding the objective's own parameters (heads, codebooks); may have none. */
    Block block();

    /**
     * Creates the objective's own parameters (those of {@link #block()}) for {@code network}: its input, what the
     * frontend hands the body, the body's width, depth and causality. The core calls it once per objective
     * instance, after the network's parameters and with the engine seed set, so the same seed gives the same
     * heads; a new run builds a new objective.
     */
    void initialize(NDManager manager, NetworkShape network);

    /**
     * Checks, before any training, that this objective can train this network on this data (an autoregressive
     * objective needs a causal body; a target-based one needs targets for every utterance). The core calls it
     * when the run is put together and reports an {@link IllegalArgumentException} as a recipe error at
     * {@code objective}, so name what to change.
     */
    default void check(NetworkShape network, List<Utterance> training) {
    }

    /** Work needed once before training (targets to make); none by default. */
    @Experimental
    default Optional<Preparation> preparation() {
        return Optional.empty();
    }

    /** The teacher this objective needs; none by default. */
    default Optional<TeacherSchedule> teacher() {
        return Optional.empty();
    }

    /**
     * One forward pass. Must report the FLOPs of its own heads to {@code meter}; the encoder's are counted by
     * {@code encoder}.
     */
    ObjectiveResult forward(TrainingBatch batch, EncoderCall encoder, ParameterStore parameters, FlopMeter meter,
                            boolean training);
}
