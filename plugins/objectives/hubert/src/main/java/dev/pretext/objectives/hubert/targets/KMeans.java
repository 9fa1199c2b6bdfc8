package dev.pretext.objectives.hubert.targets;

import java.util.Arrays;
import java.util.SplittableRandom;

/** k-means on frames held in memory: k-means++ seeding, Lloyd iterations, and the refill of empty clusters. */
public final class KMeans {
    private KMeans() {
    }

    /**
     * k-means++ (Arthur and Vassilvitskii, 2007): the first centre uniformly at random, each further one drawn with
     * probability proportional to its squared distance from the nearest centre chosen so far.
     *
     * @param frames n frames of {@code dim} values, row-major
     */
    public static Centroids plusPlus(float[] frames, int dim, int k, long seed) {
        int n = frames.length / dim;
        if (n < k) {
            throw new IllegalArgumentException("k-means++ needs at least " + k + " frames for " + k
                    + " clusters, got " + n);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        float[] chosen = new float[k * dim];
        double[] nearest = new double[n];
        Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        int pick = rng.nextInt(n);
        for (int c = 0; c < k; c++) {
            System.arraycopy(frames, pick * dim, chosen, c * dim, dim);
            double total = 0;
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int d = 0; d < dim; d++) {
                    double diff = frames[i * dim + d] - chosen[c * dim + d];
                    s += diff * diff;
                }
                if (s < nearest[i]) {
                    nearest[i] = s;
                }
                total += nearest[i];
            }
            if (c + 1 == k) {
                break;
            }
            if (total <= 0) {
                // fewer distinct frames than clusters: take the next frame in order (a duplicate centre)
                pick = (pick + 1) % n;
                continue;
            }
            double target = rng.nextDouble() * total;
            double running = 0;
            pick = -1;
            for (int i = 0; i < n; i++) {
                running += nearest[i];
                if (running > target && nearest[i] > 0) {
                    pick = i;
                    break;
                }
            }
            if (pick < 0) {
                // rounding pushed the target past the last positive weight: take the last one
                for (int i = n - 1; i >= 0; i--) {
                    if (nearest[i] > 0) {
                        pick = i;
                        break;
                    }
                }
            }
        }
        return new Centroids(chosen, k, dim);
    }

    /** Per-cluster sums and counts of the frames assigned to each cluster, and the summed squared distance. */
    static final class Accumulator {
        final double[] sums;
        final long[] counts;
        double inertia;
        long frames;

        Accumulator(int k, int dim) {
            sums = new double[k * dim];
            counts = new long[k];
        }

        void add(Centroids c, float[] data, int frames) {
            int dim = c.dim();
            for (int t = 0; t < frames; t++) {
                int offset = t * dim;
                int j = c.nearest(data, offset);
                counts[j]++;
                int base = j * dim;
                for (int d = 0; d < dim; d++) {
                    sums[base + d] += data[offset + d];
                }
                inertia += c.distance(data, offset, j);
            }
            this.frames += frames;
        }

        void merge(Accumulator other) {
            for (int i = 0; i < sums.length; i++) {
                sums[i] += other.sums[i];
            }
            for (int j = 0; j < counts.length; j++) {
                counts[j] += other.counts[j];
            }
            inertia += other.inertia;
            frames += other.frames;
        }

        /**
         * The means of the clusters; an empty cluster moves to the sample frame farthest from its nearest old
         * centroid (each such frame used once), so that no cluster stays dead.
         */
        Centroids update(Centroids old, float[] sample) {
            int k = old.k();
            int dim = old.dim();
            float[] next = new float[k * dim];
            int empty = 0;
            for (int j = 0; j < k; j++) {
                if (counts[j] == 0) {
                    empty++;
                    continue;
                }
                for (int d = 0; d < dim; d++) {
                    next[j * dim + d] = (float) (sums[j * dim + d] / counts[j]);
                }
            }
            if (empty > 0) {
                Integer[] order = farthestFirst(old, sample);
                int used = 0;
                for (int j = 0; j < k; j++) {
                    if (counts[j] == 0) {
                        int i = order[used++ % order.length];
                        System.arraycopy(sample, i * dim, next, j * dim, dim);
                    }
                }
            }
            return new Centroids(next, k, dim);
        }
    }

    /** Sample frames by decreasing distance to their nearest centroid; ties by index. */
    static Integer[] farthestFirst(Centroids c, float[] sample) {
        int dim = c.dim();
        int n = sample.length / dim;
        double[] distance = new double[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            distance[i] = c.distance(sample, i * dim, c.nearest(sample, i * dim));
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> distance[a] != distance[b] ? Double.compare(distance[b], distance[a])
                : Integer.compare(a, b));
        return order;
    }

    /** Plain Lloyd iterations on frames in memory (the reference the streaming version must equal). */
    public static Centroids lloyd(float[] frames, int dim, Centroids start, int iterations, float[] refill) {
        Centroids c = start;
        for (int it = 0; it < iterations; it++) {
            Accumulator acc = new Accumulator(c.k(), dim);
            acc.add(c, frames, frames.length / dim);
            c = acc.update(c, refill);
        }
        return c;
    }
}
