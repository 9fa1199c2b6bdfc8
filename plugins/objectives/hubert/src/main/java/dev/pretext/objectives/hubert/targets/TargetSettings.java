package dev.pretext.objectives.hubert.targets;

/**
 * How the targets stage clusters.
 *
 * @param clusters     k, the number of discrete targets (HuBERT: 100 on MFCC, 500 on layer features)
 * @param iterations   the most Lloyd passes over the whole corpus after k-means++ (each pass reads every utterance)
 * @param tolerance    stop early once a pass lowers the mean squared distance by less than this share
 * @param sampleFrames frames in the seeded sample that k-means++ initialises from (and that refills empty clusters)
 * @param seed         same seed, same corpus, same source: same centroids and labels
 * @param threads      utterances processed in parallel; results are reduced in corpus order, so this never changes
 *                     the outcome
 * @param spill        write the features to disk on the first pass (under the output folder, deleted at the end;
 *                     4 bytes per value: 56 MB per hour of MFCC) and read them back on later passes, instead of
 *                     computing them on every pass
 */
public record TargetSettings(int clusters, int iterations, double tolerance, int sampleFrames, long seed,
                             int threads, boolean spill) {
    public static final int DEFAULT_CLUSTERS = 100;
    public static final int DEFAULT_ITERATIONS = 20;
    public static final double DEFAULT_TOLERANCE = 1e-4;
    public static final int DEFAULT_SAMPLE_FRAMES = 100_000;

    public TargetSettings {
        if (clusters < 2 || clusters > 65_536) {
            throw new IllegalArgumentException("clusters must be in [2, 65536], got " + clusters);
        }
        if (iterations < 0) {
            throw new IllegalArgumentException("iterations must be >= 0 (0 keeps the k-means++ centroids), got "
                    + iterations);
        }
        if (!(tolerance >= 0)) {
            throw new IllegalArgumentException("tolerance must be >= 0, got " + tolerance);
        }
        if (sampleFrames < clusters) {
            throw new IllegalArgumentException("sample_frames (" + sampleFrames + ") must be at least the number of "
                    + "clusters (" + clusters + ")");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
    }

    /** HuBERT's first iteration: 100 clusters, the given seed, one thread per core. */
    public static TargetSettings defaults(long seed) {
        return new TargetSettings(DEFAULT_CLUSTERS, DEFAULT_ITERATIONS, DEFAULT_TOLERANCE, DEFAULT_SAMPLE_FRAMES,
                seed, Runtime.getRuntime().availableProcessors(), true);
    }

    public TargetSettings withClusters(int k) {
        return new TargetSettings(k, iterations, tolerance, sampleFrames, seed, threads, spill);
    }

    public TargetSettings withIterations(int n) {
        return new TargetSettings(clusters, n, tolerance, sampleFrames, seed, threads, spill);
    }

    public TargetSettings withSampleFrames(int n) {
        return new TargetSettings(clusters, iterations, tolerance, n, seed, threads, spill);
    }

    public TargetSettings withThreads(int n) {
        return new TargetSettings(clusters, iterations, tolerance, sampleFrames, seed, n, spill);
    }

    public TargetSettings withTolerance(double t) {
        return new TargetSettings(clusters, iterations, t, sampleFrames, seed, threads, spill);
    }

    public TargetSettings withSpill(boolean on) {
        return new TargetSettings(clusters, iterations, tolerance, sampleFrames, seed, threads, on);
    }
}
