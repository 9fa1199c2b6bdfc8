package dev.pretext.api.model;

import dev.pretext.api.audio.FeatureSpec;

/**
 * What an objective may need to know about the network before training starts.
 *
 * @param input          what the loader produces (the batch's features)
 * @param frontendOutput what the body sees (a learned frontend's output, else {@code input})
 * @param dim            width of the body's hidden states
 * @param layers         the body's layers ({@code layers + 1} hidden states)
 * @param causal         whether every hidden state depends on past and present frames only
 */
public record NetworkShape(FeatureSpec input, FeatureSpec frontendOutput, int dim, int layers, boolean causal) {
}
