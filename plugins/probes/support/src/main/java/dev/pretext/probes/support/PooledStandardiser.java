package dev.pretext.probes.support;

import dev.pretext.api.probe.LayerStack;

import java.util.Arrays;

/**
 * Mean pooling of an utterance per layer and unit, and standardisation of the pooled vectors per layer and unit
 * over the training utterances.
 *
 * <p>The statistics are taken over pooled utterances, not frames, because the head only ever sees pooled
 * vectors: their spread across utterances is often a small fraction of the frame-level spread (and exactly zero
 * for per-utterance-normalised features), so frame statistics would leave the classifier inputs at upstream-
 * dependent, tiny scales and a fixed learning rate would mean different things for different upstreams.
 */
public final class PooledStandardiser {
    private final float[] mean;
    private final float[] invStd;

    private PooledStandardiser(float[] mean, float[] invStd) {
        this.mean = mean;
        this.invStd = invStd;
    }

    /** The frames of every layer averaged: {@code layers x dim} values, layer-major. */
    public static float[] pool(LayerStack stack) {
        return pool(stack, 0, stack.frames());
    }

    /** Frames {@code [from, to)} of every layer averaged (a slice of an utterance, e.g. one silence). */
    public static float[] pool(LayerStack stack, int from, int to) {
        if (from < 0 || to > stack.frames() || from >= to) {
            throw new IllegalArgumentException("cannot pool frames [" + from + ", " + to + ") of a stack of "
                    + stack.frames() + " frames: the slice must hold at least one frame");
        }
        int dim = stack.dim();
        float[] data = stack.data();
        float[] out = new float[stack.layers() * dim];
        double[] sum = new double[dim];
        for (int l = 0; l < stack.layers(); l++) {
            Arrays.fill(sum, 0);
            for (int t = from; t < to; t++) {
                int at = stack.offset(l, t);
                for (int d = 0; d < dim; d++) {
                    sum[d] += data[at + d];
                }
            }
            for (int d = 0; d < dim; d++) {
                out[l * dim + d] = (float) (sum[d] / (to - from));
            }
        }
        return out;
    }

    public static PooledStandardiser fit(float[][] pooledTraining) {
        int width = pooledTraining[0].length;
        float[] mean = new float[width];
        float[] invStd = new float[width];
        int n = pooledTraining.length;
        for (int i = 0; i < width; i++) {
            double sum = 0;
            for (float[] vector : pooledTraining) {
                sum += vector[i];
            }
            double m = sum / n;
            double squares = 0;
            for (float[] vector : pooledTraining) {
                double centred = vector[i] - m;
                squares += centred * centred;
            }
            double variance = squares / n;
            mean[i] = (float) m;
            // A unit that is the same for every training utterance says nothing about the speaker: silence it.
            invStd[i] = variance > 1e-12 * Math.max(1, m * m) ? (float) (1 / Math.sqrt(variance)) : 0f;
        }
        return new PooledStandardiser(mean, invStd);
    }

    /** Standardised copies of pooled vectors. */
    public float[][] applyAll(float[][] pooled) {
        float[][] out = new float[pooled.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = apply(pooled[i]);
        }
        return out;
    }

    /** A standardised copy of a pooled vector. */
    public float[] apply(float[] pooled) {
        float[] out = new float[pooled.length];
        for (int i = 0; i < pooled.length; i++) {
            out[i] = (pooled[i] - mean[i]) * invStd[i];
        }
        return out;
    }
}
