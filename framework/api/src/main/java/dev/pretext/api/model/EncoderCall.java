package dev.pretext.api.model;

import ai.djl.ndarray.NDArray;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The network as an objective sees it during a step: parameters and compute accounting are handled by the
 * core, so an objective calls it like a function (once, or more than once) and its FLOPs are always counted.
 *
 * <p>{@link #apply} runs the whole network on the batch's features. Objectives that work between the frontend
 * and the body (wav2vec 2.0 and HuBERT mask and quantise the convolutional features) call {@link #frontend}
 * then {@link #body}; without a learned frontend the first is the identity.
 */
@FunctionalInterface
@ProviderType
public interface EncoderCall {
    /**
     * @param features [B, T, F], e.g. the batch's features after the objective's masking
     * @param valid    [B, T] float mask of real frames
     */
    EncoderOutput apply(NDArray features, NDArray valid);

    /** The learned frontend alone (with gradients), or the features unchanged when there is none. */
    default FrontendOutput frontend(NDArray features, NDArray valid) {
        return new FrontendOutput(features, valid);
    }

    /** The encoder body alone (with gradients) on what {@link #frontend} returned, possibly masked. */
    default EncoderOutput body(NDArray features, NDArray valid) {
        return apply(features, valid);
    }

    /**
     * The encoder body with the teacher's weights (an exponential moving average of the body's, see
     * {@link Objective#teacher()}), without gradients; its forward FLOPs count towards the budget.
     *
     * @throws UnsupportedOperationException when the objective declared no teacher
     */
    default EncoderOutput teacher(NDArray features, NDArray valid) {
        throw new UnsupportedOperationException("this objective declared no teacher: return a TeacherSchedule from "
                + "Objective.teacher()");
    }

    /** Whether the body only attends to past frames (autoregressive objectives need it). */
    default boolean causal() {
        return false;
    }
}
