package dev.pretext.architectures.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.nio.FloatBuffer;

/**
 * Fixed sinusoidal position embeddings (Vaswani et al.): for frame t and unit i,
 * {@code sin(t / 10000^(2k/D))} at even i = 2k and {@code cos(t / 10000^(2k/D))} at odd i = 2k + 1.
 * The table is computed once for the longest batch seen; shorter batches use its first rows.
 */
final class SinusoidalPositions {
    private final int dim;
    private float[] table = new float[0];
    private int tableFrames;

    SinusoidalPositions(int dim) {
        this.dim = dim;
    }

    /** A [T, D] array on {@code manager}. */
    NDArray forFrames(NDManager manager, int frames) {
        float[] rows = rows(frames);
        return manager.create(FloatBuffer.wrap(rows, 0, frames * dim), new Shape(frames, dim));
    }

    private synchronized float[] rows(int frames) {
        if (frames > tableFrames) {
            int grown = Math.max(frames, 2 * tableFrames);
            float[] values = new float[grown * dim];
            for (int t = 0; t < grown; t++) {
                for (int i = 0; i < dim; i++) {
                    int pair = i / 2;
                    double angle = t / Math.pow(10000.0, (2.0 * pair) / dim);
                    values[t * dim + i] = (float) (i % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
                }
            }
            table = values;
            tableFrames = grown;
        }
        return table;
    }
}
