package dev.pretext.probes.support;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Builds the layer-major inputs of {@link WeightedLayerSum} from examples kept in Java memory, already
 * standardised: pooled vectors ({@code layers x dim}, layer-major) or whole utterances ({@code layers x frames x
 * dim}, layer-major, as {@link LayerStandardiser#standardise} returns them).
 */
public final class LayerBatches {
    private LayerBatches() {
    }

    /** Pooled examples {@code indices} as one [layers, count, dim] array. */
    public static NDArray pooled(NDManager manager, float[][] pooled, int[] indices, int layers, int dim) {
        int count = indices.length;
        float[] values = new float[layers * count * dim];
        for (int i = 0; i < count; i++) {
            float[] example = pooled[indices[i]];
            for (int l = 0; l < layers; l++) {
                System.arraycopy(example, l * dim, values, (l * count + i) * dim, dim);
            }
        }
        return manager.create(values, new Shape(layers, count, dim));
    }

    /**
     * Utterances {@code indices} as one [layers, count, maxFrames, dim] array, zero beyond each utterance's own
     * frames (zero is every unit's training mean after standardisation).
     *
     * @param frames frames of each utterance (all of them, indexed like {@code stacks})
     */
    public static NDArray sequences(NDManager manager, float[][] stacks, int[] frames, int[] indices, int layers,
                                    int dim) {
        int count = indices.length;
        int maxFrames = 0;
        for (int i : indices) {
            maxFrames = Math.max(maxFrames, frames[i]);
        }
        float[] values = new float[layers * count * maxFrames * dim];
        for (int b = 0; b < count; b++) {
            float[] stack = stacks[indices[b]];
            int length = frames[indices[b]];
            for (int l = 0; l < layers; l++) {
                System.arraycopy(stack, l * length * dim, values, ((l * count + b) * maxFrames) * dim, length * dim);
            }
        }
        return manager.create(values, new Shape(layers, count, maxFrames, dim));
    }

    /** The frames of each of {@code indices}. */
    public static int[] lengths(int[] frames, int[] indices) {
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = frames[indices[i]];
        }
        return out;
    }
}
