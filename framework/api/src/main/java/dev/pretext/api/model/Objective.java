package dev.pretext.api.model;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.pretext.api.audio.FeatureSpec;

/**
 * A self-supervised training objective: it decides what the encoder sees (masking), what it must predict,
 * and the loss. Its heads are trained with the encoder and discarded after pre-training.
 */
public interface Objective {
    /** The block holding the objective's own parameters (heads, codebooks); may have none. */
    Block block();

    /** Creates the head parameters for an encoder of width {@code encoderDim} fed by {@code input}. */
    void initialize(NDManager manager, FeatureSpec input, int encoderDim);

    /**
     * Creates the head parameters knowing also what the frontend hands the body ({@code frontendOutput}, the
     * same as {@code input} without a learned frontend): objectives that quantise or project the frontend's
     * output need its width. The core calls this one.
     */
    default void initialize(NDManager manager, FeatureSpec input, FeatureSpec frontendOutput, int encoderDim) {
        initialize(manager, input, encoderDim);
    }

    /**
     * Checks, before any training, that this objective can train this network on this data (an autoregressive
     * objective needs a causal body; a target-based one needs targets for every utterance). The core calls it
     * when the run is put together and reports an {@link IllegalArgumentException} as a recipe error at
     * {@code objective}, so name what to change.
     */
    default void check(NetworkShape network, java.util.List<dev.pretext.api.data.Utterance> training) {
    }

    /** Work needed once before training (targets to make), or null for none (the default). */
    default Preparation preparation() {
        return null;
    }

    /** The teacher this objective needs, or null for none (the default). */
    default TeacherSchedule teacher() {
        return null;
    }

    /**
     * One forward pass. Must report the FLOPs of its own heads to {@code meter}; the encoder's are counted by
     * {@code encoder}.
     */
    ObjectiveResult forward(TrainingBatch batch, EncoderCall encoder, ParameterStore parameters, FlopMeter meter,
                            boolean training);
}
