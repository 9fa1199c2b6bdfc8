package dev.pretext.api.probe;

/**
 * The frozen representation of one utterance: {@code layers} hidden states of {@code frames} x {@code dim},
 * stored as one array; layer {@code l}, frame {@code t}, unit {@code d} is at {@code ((l * frames) + t) * dim + d}.
 */
public record LayerStack(float[] data, int layers, int frames, int dim) {
    public LayerStack {
        if ((long) layers * frames * dim != data.length) {
            throw new IllegalArgumentException("layer stack " + layers + " x " + frames + " x " + dim
                    + " needs " + ((long) layers * frames * dim) + " values, got " + data.length);
        }
    }

    public int offset(int layer, int frame) {
        return (layer * frames + frame) * dim;
    }
}
