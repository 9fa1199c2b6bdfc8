package dev.pretext.api.model;

import ai.djl.ndarray.NDArray;

/**
 * What a {@link LearnedFrontend} hands to the encoder body.
 *
 * @param features [B, T, D] features
 * @param valid    [B, T] float mask: 1 for real frames, 0 for padding
 */
public record FrontendOutput(NDArray features, NDArray valid) {
}
