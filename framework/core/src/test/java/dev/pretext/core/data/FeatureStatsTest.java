package dev.pretext.core.data;

import dev.pretext.api.audio.Features;
import dev.pretext.api.data.Utterance;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class FeatureStatsTest {
    /** Utterance i has features around (i, -2i) with spread 3: every utterance keeps its own offset. */
    private static Features features(Utterance u) {
        int i = Integer.parseInt(u.id().substring(1));
        SplittableRandom rng = new SplittableRandom(i);
        float[] x = new float[50 * 2];
        for (int t = 0; t < 50; t++) {
            x[2 * t] = (float) (i + 3 * (rng.nextDouble() * 2 - 1));
            x[2 * t + 1] = (float) (-2 * i + 3 * (rng.nextDouble() * 2 - 1));
        }
        return new Features(x, 50, 2);
    }

    @Test
    void normalisesGloballyAndKeepsWhatDiffersBetweenUtterances() {
        List<Utterance> corpus = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            corpus.add(new Utterance("u" + i, Path.of("u.wav"), 0.5, null, null, null));
        }
        FeatureStats stats = FeatureStats.estimate(corpus, FeatureStatsTest::features, 40, 1);
        assertEquals(19.5, stats.mean()[0], 0.3);
        assertEquals(-39.0, stats.mean()[1], 0.6);
        double sum = 0;
        double sumSq = 0;
        List<Double> utteranceMeans = new ArrayList<>();
        for (Utterance u : corpus) {
            Features n = stats.apply(features(u));
            double m = 0;
            for (int t = 0; t < n.frames(); t++) {
                sum += n.get(t, 0);
                sumSq += n.get(t, 0) * n.get(t, 0);
                m += n.get(t, 0) / n.frames();
            }
            utteranceMeans.add(m);
        }
        long frames = 40L * 50;
        assertEquals(0, sum / frames, 1e-3);
        assertEquals(1, Math.sqrt(sumSq / frames - Math.pow(sum / frames, 2)), 1e-3);
        assertNotEquals(utteranceMeans.get(0), utteranceMeans.get(39), 1.0, "utterance offsets survive");

        FeatureStats sample = FeatureStats.estimate(corpus, FeatureStatsTest::features, 10, 1);
        assertEquals(10, sample.utterances());
        List<Utterance> reversed = new ArrayList<>(corpus);
        java.util.Collections.reverse(reversed);
        FeatureStats again = FeatureStats.estimate(reversed, FeatureStatsTest::features, 10, 1);
        org.junit.jupiter.api.Assertions.assertArrayEquals(sample.mean(), again.mean(),
                "the sample does not depend on listing order");
    }

    /** A NaN feature (a dataset that checks nothing, NaN samples) stops the estimate with the utterance named. */
    @Test
    void aNonFiniteFeatureNamesItsUtteranceInsteadOfReachingTheStatistics() {
        List<Utterance> corpus = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            corpus.add(new Utterance("u" + i, Path.of("/corpus/u" + i + ".wav"), 0.5, null, null, null));
        }
        dev.pretext.core.UserError e = org.junit.jupiter.api.Assertions.assertThrows(dev.pretext.core.UserError.class,
                () -> FeatureStats.estimate(corpus, u -> {
                    Features f = features(u);
                    if (u.id().equals("u7")) {
                        f.data()[2 * 13 + 1] = Float.NaN;
                    }
                    return f;
                }, 10, 1));
        assertEquals("utterance u7 (/corpus/u7.wav) gives a NaN feature at frame 13, bin 1: its audio most likely "
                + "holds NaN, infinite or absurdly large samples; fix or remove the file", e.getMessage());
    }
}
