package dev.pretext.objectives.hubert.targets;

import java.util.Arrays;

/**
 * k centroids of {@code dim} values, row-major, with their squared norms cached for the nearest-centroid search
 * ({@code |x - c|^2 = |x|^2 - 2 x.c + |c|^2}, and only the last two terms decide). Immutable.
 */
public final class Centroids {
    private final int k;
    private final int dim;
    private final float[] values;
    private final double[] halfNorms;

    public Centroids(float[] values, int k, int dim) {
        if (values.length != k * dim) {
            throw new IllegalArgumentException(k + " centroids of " + dim + " values need " + (k * dim)
                    + " values, got " + values.length);
        }
        this.k = k;
        this.dim = dim;
        this.values = values.clone();
        this.halfNorms = new double[k];
        for (int j = 0; j < k; j++) {
            double s = 0;
            for (int d = 0; d < dim; d++) {
                double v = values[j * dim + d];
                s += v * v;
            }
            halfNorms[j] = 0.5 * s;
        }
    }

    public int k() {
        return k;
    }

    public int dim() {
        return dim;
    }

    /** A copy of the values, centroid {@code j} at {@code [j * dim, (j + 1) * dim)}. */
    public float[] values() {
        return values.clone();
    }

    public float get(int centroid, int d) {
        return values[centroid * dim + d];
    }

    /** The nearest centroid to the frame at {@code data[offset .. offset + dim)}; ties go to the lower index. */
    public int nearest(float[] data, int offset) {
        int best = 0;
        double bestScore = Double.POSITIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            int c = j * dim;
            // four partial sums: shorter dependency chains, same result on every machine (fixed order)
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            int d = 0;
            for (; d + 3 < dim; d += 4) {
                s0 += data[offset + d] * values[c + d];
                s1 += data[offset + d + 1] * values[c + d + 1];
                s2 += data[offset + d + 2] * values[c + d + 2];
                s3 += data[offset + d + 3] * values[c + d + 3];
            }
            for (; d < dim; d++) {
                s0 += data[offset + d] * values[c + d];
            }
            double score = halfNorms[j] - ((double) s0 + s1 + s2 + s3);
            if (score < bestScore) {
                bestScore = score;
                best = j;
            }
        }
        return best;
    }

    /** Squared Euclidean distance from the frame at {@code offset} to centroid {@code j}. */
    public double distance(float[] data, int offset, int j) {
        double s = 0;
        int c = j * dim;
        for (int d = 0; d < dim; d++) {
            double diff = data[offset + d] - values[c + d];
            s += diff * diff;
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Centroids other && other.k == k && other.dim == dim
                && Arrays.equals(other.values, values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }
}
