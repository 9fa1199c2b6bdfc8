package dev.pretext.objectives.hubert.targets;

import dev.pretext.api.audio.Features;
import dev.pretext.api.data.Utterance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * k-means over a corpus that is never held in memory. A first pass draws a seeded sample of frames (each frame gets
 * a pseudo-random key from the seed, its utterance's position and its index; the sample is the frames with the
 * smallest keys, which no thread schedule can change); k-means++ initialises the centroids on that sample; then
 * full Lloyd passes stream the corpus utterance by utterance, summing the frames assigned to each centroid per block
 * of utterances and combining the blocks in corpus order.
 */
public final class StreamingKMeans {
    private StreamingKMeans() {
    }

    /**
     * @param sample   the seeded sample k-means++ started from (frames row-major)
     * @param inertias per pass, the mean squared distance of a frame to its nearest centroid before that pass's
     *                 update (the labelling pass measures the returned centroids)
     */
    public record Result(Centroids centroids, float[] sample, int passes, long frames, double[] inertias,
                         double seconds) {
        /** Frames assigned per second over the Lloyd passes (reading the features included). */
        public double framesPerSecond() {
            return passes == 0 ? 0 : passes * (double) frames / seconds;
        }
    }

    public static Result fit(List<Utterance> utterances, FrameSource source, TargetSettings settings,
                             Consumer<String> log) {
        return fit(utterances, source, settings, log, null);
    }

    /** @param spill folder where the first pass leaves the features for the next ones, or null */
    static Result fit(List<Utterance> utterances, FrameSource source, TargetSettings settings,
                      Consumer<String> log, java.nio.file.Path spill) {
        if (utterances.isEmpty()) {
            throw new IllegalArgumentException("no utterances to cluster");
        }
        try (CorpusStream stream = new CorpusStream(source, settings.threads(), spill)) {
            long started = System.nanoTime();
            float[] sample = sample(utterances, source, settings, stream);
            int dim = source.dim();
            int sampled = sample.length / dim;
            if (sampled < settings.clusters()) {
                throw new IllegalArgumentException("the corpus has " + sampled + " frames of " + source.kind()
                        + " features, fewer than the " + settings.clusters() + " clusters asked for: use fewer "
                        + "clusters or more audio");
            }
            log.accept(String.format("targets: sampled %,d frames in %.1f s; k-means++ for %d clusters",
                    sampled, (System.nanoTime() - started) / 1e9, settings.clusters()));
            Centroids c = KMeans.plusPlus(sample, dim, settings.clusters(), settings.seed());
            List<Double> inertias = new ArrayList<>();
            long passStart = System.nanoTime();
            long frames = 0;
            int passes = 0;
            for (int it = 0; it < settings.iterations(); it++) {
                Centroids current = c;
                KMeans.Accumulator total = new KMeans.Accumulator(c.k(), dim);
                stream.pass(utterances, (first, block) -> {
                    KMeans.Accumulator acc = new KMeans.Accumulator(current.k(), dim);
                    for (Features f : block) {
                        acc.add(current, f.data(), f.frames());
                    }
                    return acc;
                }, total::merge);
                frames = total.frames;
                passes++;
                double inertia = total.inertia / Math.max(1, total.frames);
                inertias.add(inertia);
                c = total.update(current, sample);
                log.accept(String.format("targets: pass %d of %d, mean squared distance %.4f",
                        passes, settings.iterations(), inertia));
                int n = inertias.size();
                if (n >= 2 && inertias.get(n - 2) - inertia <= settings.tolerance() * inertias.get(n - 2)) {
                    break;
                }
            }
            double seconds = (System.nanoTime() - passStart) / 1e9;
            return new Result(c, sample, passes, frames, inertias.stream().mapToDouble(Double::doubleValue).toArray(),
                    seconds);
        }
    }

    private record Candidate(long key, float[] frame) {
    }

    /** The frames with the {@code sampleFrames} smallest keys, ordered by key. */
    static float[] sample(List<Utterance> utterances, FrameSource source, TargetSettings settings,
                          CorpusStream stream) {
        int m = settings.sampleFrames();
        long seed = settings.seed();
        // largest kept key on top; its key is a bound that blocks may read early (it only ever decreases)
        PriorityQueue<Candidate> kept = new PriorityQueue<>(
                (a, b) -> Long.compareUnsigned(b.key(), a.key()));
        long[] bound = {-1L};                    // unsigned max until the sample is full
        stream.pass(utterances, (first, block) -> {
            long limit;
            synchronized (bound) {
                limit = bound[0];
            }
            List<Candidate> out = new ArrayList<>();
            for (int i = 0; i < block.length; i++) {
                Features f = block[i];
                int dim = f.dim();
                for (int t = 0; t < f.frames(); t++) {
                    long key = key(seed, first + i, t);
                    if (Long.compareUnsigned(key, limit) < 0) {
                        out.add(new Candidate(key, Arrays.copyOfRange(f.data(), t * dim, (t + 1) * dim)));
                    }
                }
            }
            return out;
        }, candidates -> {
            for (Candidate c : candidates) {
                if (kept.size() < m) {
                    kept.add(c);
                } else if (Long.compareUnsigned(c.key(), kept.peek().key()) < 0) {
                    kept.poll();
                    kept.add(c);
                }
            }
            if (kept.size() == m) {
                synchronized (bound) {
                    bound[0] = kept.peek().key();
                }
            }
        });
        List<Candidate> sorted = new ArrayList<>(kept);
        sorted.sort((a, b) -> Long.compareUnsigned(a.key(), b.key()));
        int dim = source.dim();
        float[] out = new float[sorted.size() * dim];
        for (int i = 0; i < sorted.size(); i++) {
            System.arraycopy(sorted.get(i).frame(), 0, out, i * dim, dim);
        }
        return out;
    }

    /** A 64-bit pseudo-random key per (seed, utterance, frame): SplitMix64's finaliser over a combined value. */
    static long key(long seed, int utterance, int frame) {
        long z = seed * 0x9E3779B97F4A7C15L + ((long) utterance << 32 | (frame & 0xFFFFFFFFL));
        z = mix(z);
        return mix(z ^ seed);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
