package dev.pretext.objectives.hubert.targets;

import dev.pretext.api.data.Utterance;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelQualityTest {
    private static final Planted SOURCE = new Planted(10, 4, 9);
    private static final List<Utterance> CORPUS = SOURCE.utterances(40);

    private static double centre(int t) {
        return (t + 0.5) / Planted.RATE;
    }

    @Test
    void labelsEqualToThePhonesHavePnmiOneAndPurityOne() {
        LabelQuality q = new LabelQuality(10);
        for (int i = 0; i < CORPUS.size(); i++) {
            q.add(CORPUS.get(i), SOURCE.plan(i), LabelQualityTest::centre);
        }
        assertEquals(1.0, q.pnmi(), 1e-12);
        assertEquals(1.0, q.phonePurity(), 1e-12);
        assertEquals(1.0, q.clusterPurity(), 1e-12);
        assertEquals(10, q.phones());
    }

    @Test
    void aRenamingOfThePhonesOrASplitOfEachPhoneStillDeterminesThePhone() {
        LabelQuality renamed = new LabelQuality(10);
        LabelQuality split = new LabelQuality(20);
        for (int i = 0; i < CORPUS.size(); i++) {
            int[] plan = SOURCE.plan(i);
            int[] r = new int[plan.length];
            int[] s = new int[plan.length];
            for (int t = 0; t < plan.length; t++) {
                r[t] = (plan[t] * 7 + 3) % 10;
                s[t] = plan[t] * 2 + (t % 2);
            }
            renamed.add(CORPUS.get(i), r, LabelQualityTest::centre);
            split.add(CORPUS.get(i), s, LabelQualityTest::centre);
        }
        assertEquals(1.0, renamed.pnmi(), 1e-12);
        assertEquals(1.0, split.pnmi(), 1e-12);
        assertEquals(1.0, split.phonePurity(), 1e-12);
        assertEquals(0.5, split.clusterPurity(), 0.02);
    }

    @Test
    void randomLabelsHaveAlmostNoPnmi() {
        LabelQuality q = new LabelQuality(10);
        SplittableRandom rng = new SplittableRandom(1);
        long frames = 0;
        for (int i = 0; i < CORPUS.size(); i++) {
            int[] labels = new int[SOURCE.plan(i).length];
            for (int t = 0; t < labels.length; t++) {
                labels[t] = rng.nextInt(10);
            }
            frames += labels.length;
            q.add(CORPUS.get(i), labels, LabelQualityTest::centre);
        }
        assertEquals(frames, q.frames());
        // the plug-in estimate is biased up by about (phones - 1)(clusters - 1) / (2 N H) nats
        assertTrue(q.pnmi() < 0.01, "pnmi " + q.pnmi());
        assertTrue(q.phonePurity() < 0.2, "phone purity " + q.phonePurity());
    }

    @Test
    void framesOutsideTheAlignmentAndUtterancesWithoutOneAreNotCounted() {
        Utterance u = CORPUS.get(0);
        Utterance bare = new Utterance("bare", u.audio(), u.seconds(), null, null, null);
        int[] plan = SOURCE.plan(0);
        int[] longer = java.util.Arrays.copyOf(plan, plan.length + 10);
        LabelQuality q = new LabelQuality(10);
        q.add(u, longer, LabelQualityTest::centre);
        q.add(bare, plan, LabelQualityTest::centre);
        assertEquals(plan.length, q.frames());
        assertEquals(1, q.utterances());
    }
}
