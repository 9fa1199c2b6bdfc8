package dev.pretext.api.model;

import ai.djl.ndarray.NDArray;

/**
 * The encoder as an objective sees it during a step: parameters and compute accounting are handled by the
 * core, so an objective calls it like a function (once, or more than once) and its FLOPs are always counted.
 */
@FunctionalInterface
public interface EncoderCall {
    /**
     * @param features [B, T, F], e.g. the batch's features after the objective's masking
     * @param valid    [B, T] float mask of real frames
     */
    EncoderOutput apply(NDArray features, NDArray valid);
}
