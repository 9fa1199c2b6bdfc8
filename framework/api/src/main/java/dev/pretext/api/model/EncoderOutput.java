package dev.pretext.api.model;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * The hidden states of an encoder.
 *
 * @param hiddenStates {@code layers + 1} arrays of shape [B, T, D]: the input to the first layer (after the
 *                     input projection), then the output of every layer, the last one after the final norm
 * @param valid        [B, T] float mask: 1 for real frames, 0 for padding
 * @param executed     the forward FLOPs this call really executed, when they differ from what
 *                     {@link Encoder#flops} predicts for the shape (layers skipped by layer drop); null otherwise
 */
public record EncoderOutput(List<NDArray> hiddenStates, NDArray valid, FlopCount executed) {
    public EncoderOutput {
        hiddenStates = List.copyOf(hiddenStates);
        if (hiddenStates.isEmpty()) {
            throw new IllegalArgumentException("an encoder returns at least one hidden state");
        }
    }

    /** Hidden states whose compute is exactly what {@link Encoder#flops} predicts. */
    public EncoderOutput(List<NDArray> hiddenStates, NDArray valid) {
        this(hiddenStates, valid, null);
    }

    public NDArray last() {
        return hiddenStates.get(hiddenStates.size() - 1);
    }
}
