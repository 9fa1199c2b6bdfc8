package dev.pretext.api.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.pretext.api.audio.FeatureSpec;
import org.osgi.annotation.versioning.ConsumerType;

import java.util.OptionalLong;

/**
 * The trainable body of a speech model: frame features in, hidden states of every layer out.
 * The core creates one per run (and a fresh one for the random-initialisation baseline).
 */
@ConsumerType
public interface Encoder {
    /** The block that owns every parameter; the core saves, loads and optimises these. */
    Block block();

    /** Creates the parameters (with the engine's current seed) for inputs described by {@code input}. */
    void initialize(NDManager manager, FeatureSpec input);

    /** Width of the hidden states. */
    int dim();

    /** Number of layers; {@link EncoderOutput#hiddenStates()} has {@code layers() + 1} entries. */
    int layers();

    /**
     * @param features [B, T, F] input features
     * @param valid    [B, T] float, 1 for real frames and 0 for padding (padding must not leak into real frames)
     */
    EncoderOutput forward(ParameterStore parameters, NDArray features, NDArray valid, boolean training);

    /** Forward FLOPs for a padded batch of this shape, every component named (padding is compute too). */
    FlopCount flops(int batch, int frames);

    /** Whether every hidden state depends on past and present frames only (autoregressive objectives). */
    default boolean causal() {
        return false;
    }

    /**
     * Trainable parameters, known without creating them (planners compare sizes without building each model);
     * empty when the encoder cannot tell.
     */
    default OptionalLong parameterCount() {
        return OptionalLong.empty();
    }
}
