package dev.pretext.objectives.hubert.targets;

import dev.pretext.api.audio.Features;
import dev.pretext.api.data.Utterance;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamingKMeansTest {
    private static final Planted SOURCE = new Planted(12, 16, 5);
    private static final List<Utterance> CORPUS = SOURCE.utterances(60);

    private static TargetSettings settings(long seed, int threads) {
        return new TargetSettings(12, 15, 0, 3000, seed, threads, false);
    }

    @Test
    void recoversPlantedCentres() {
        StreamingKMeans.Result r = StreamingKMeans.fit(CORPUS, SOURCE, settings(1, 2), s -> { });
        Centroids c = r.centroids();
        // every planted centre has a centroid within a few sigma / sqrt(frames), and vice versa
        for (int j = 0; j < SOURCE.k; j++) {
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < c.k(); i++) {
                best = Math.min(best, c.distance(SOURCE.centres, j * SOURCE.dim, i));
            }
            assertTrue(best < 0.01, "planted centre " + j + " is " + Math.sqrt(best) + " from the nearest centroid");
        }
        double mean = r.inertias()[r.inertias().length - 1];
        // the ideal: dim * sigma^2 per frame
        assertEquals(SOURCE.dim * Planted.SIGMA * Planted.SIGMA, mean, 0.05);
        System.err.printf("k-means: %d frames x %d dims, k=%d: %.0f frames/s over %d passes (2 threads)%n",
                r.frames(), SOURCE.dim, c.k(), r.framesPerSecond(), r.passes());
    }

    @Test
    void sameSeedSameCentroidsWhateverTheThreads() {
        Centroids a = StreamingKMeans.fit(CORPUS, SOURCE, settings(7, 1), s -> { }).centroids();
        Centroids b = StreamingKMeans.fit(CORPUS, SOURCE, settings(7, 2), s -> { }).centroids();
        Centroids c = StreamingKMeans.fit(CORPUS, SOURCE, settings(7, 3), s -> { }).centroids();
        assertArrayEquals(a.values(), b.values());
        assertArrayEquals(a.values(), c.values());
        // another seed starts elsewhere: with 0 passes the k-means++ picks differ
        Centroids d = StreamingKMeans.fit(CORPUS, SOURCE, settings(8, 2).withIterations(0), s -> { }).centroids();
        Centroids e = StreamingKMeans.fit(CORPUS, SOURCE, settings(7, 2).withIterations(0), s -> { }).centroids();
        assertNotEquals(d, e);
    }

    @Test
    void streamingEqualsInMemory() {
        TargetSettings s = settings(3, 2).withIterations(4).withSampleFrames(500);
        StreamingKMeans.Result streamed = StreamingKMeans.fit(CORPUS, SOURCE, s, x -> { });

        // the same sample and start, then Lloyd on every frame held in memory
        float[] all = new float[0];
        for (Utterance u : CORPUS) {
            Features f = SOURCE.frames(u);
            float[] grown = java.util.Arrays.copyOf(all, all.length + f.data().length);
            System.arraycopy(f.data(), 0, grown, all.length, f.data().length);
            all = grown;
        }
        Centroids start = KMeans.plusPlus(streamed.sample(), SOURCE.dim, 12, 3);
        Centroids inMemory = KMeans.lloyd(all, SOURCE.dim, start, streamed.passes(), streamed.sample());
        assertEquals(4, streamed.passes());
        float[] a = streamed.centroids().values();
        float[] b = inMemory.values();
        for (int i = 0; i < a.length; i++) {
            // only the order of the double sums differs
            assertEquals(b[i], a[i], 1e-5, "value " + i);
        }
        for (int t = 0; t < all.length / SOURCE.dim; t++) {
            assertEquals(inMemory.nearest(all, t * SOURCE.dim), streamed.centroids().nearest(all, t * SOURCE.dim));
        }
    }

    @Test
    void theSampleIsTheSameWhateverTheThreads() {
        TargetSettings one = settings(11, 1).withSampleFrames(777);
        float[] a;
        float[] b;
        try (CorpusStream s = new CorpusStream(SOURCE, 1)) {
            a = StreamingKMeans.sample(CORPUS, SOURCE, one, s);
        }
        try (CorpusStream s = new CorpusStream(SOURCE, 3)) {
            b = StreamingKMeans.sample(CORPUS, SOURCE, one.withThreads(3), s);
        }
        assertEquals(777 * SOURCE.dim, a.length);
        assertArrayEquals(a, b);
    }

    @Test
    void kMeansPlusPlusSpreadsOverPlantedCentres() {
        float[] sample;
        try (CorpusStream s = new CorpusStream(SOURCE, 2)) {
            sample = StreamingKMeans.sample(CORPUS, SOURCE, settings(2, 2), s);
        }
        Centroids c = KMeans.plusPlus(sample, SOURCE.dim, 12, 2);
        java.util.Set<Integer> hit = new java.util.HashSet<>();
        for (int i = 0; i < 12; i++) {
            float[] centroid = java.util.Arrays.copyOfRange(c.values(), i * SOURCE.dim, (i + 1) * SOURCE.dim);
            hit.add(new Centroids(SOURCE.centres, SOURCE.k, SOURCE.dim).nearest(centroid, 0));
        }
        assertTrue(hit.size() >= 10, "k-means++ seeded only " + hit.size() + " of 12 planted centres");
    }

    @Test
    void tooFewFramesForTheClustersIsAClearError() {
        List<Utterance> two = CORPUS.subList(0, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StreamingKMeans.fit(two, SOURCE, new TargetSettings(500, 2, 0, 500, 1, 1, false), s -> { }));
        assertTrue(e.getMessage().contains("fewer than the 500 clusters"), e.getMessage());
    }
}
