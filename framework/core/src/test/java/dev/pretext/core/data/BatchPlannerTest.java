package dev.pretext.core.data;

import dev.pretext.api.data.Utterance;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchPlannerTest {
    private static List<Utterance> corpus(int n) {
        SplittableRandom rng = new SplittableRandom(1);
        List<Utterance> utts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            utts.add(new Utterance("u" + i, Path.of("u" + i + ".wav"), 0.5 + 12 * rng.nextDouble(), "s" + (i % 4), null,
                    null));
        }
        return utts;
    }

    @Test
    void everyUtteranceOncePerEpochAndNoBatchOverTheCap() {
        List<Utterance> utts = corpus(300);
        BatchPlanner planner = new BatchPlanner(utts, 40, 8, 11);
        List<int[]> plan = planner.plan(0);
        int[] seen = new int[utts.size()];
        for (int[] batch : plan) {
            double longest = 0;
            for (int i : batch) {
                seen[i]++;
                longest = Math.max(longest, planner.croppedSeconds(utts.get(i)));
            }
            assertTrue(longest * batch.length <= 40 + 1e-9, "padded seconds over the cap");
        }
        assertTrue(Arrays.stream(seen).allMatch(c -> c == 1), "each utterance exactly once");
    }

    @Test
    void bucketingKeepsPaddingLow() {
        List<Utterance> utts = corpus(300);
        BatchPlanner planner = new BatchPlanner(utts, 40, 15, 11);
        double real = 0;
        double padded = 0;
        for (int[] batch : planner.plan(0)) {
            double longest = 0;
            for (int i : batch) {
                real += planner.croppedSeconds(utts.get(i));
                longest = Math.max(longest, planner.croppedSeconds(utts.get(i)));
            }
            padded += longest * batch.length;
        }
        assertTrue(1 - real / padded < 0.15, "padding share " + (1 - real / padded));
    }

    @Test
    void sameSeedSamePlanOtherEpochOtherOrder() {
        List<Utterance> utts = corpus(100);
        List<int[]> a = new BatchPlanner(utts, 30, 8, 5).plan(3);
        List<int[]> b = new BatchPlanner(utts, 30, 8, 5).plan(3);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertTrue(Arrays.equals(a.get(i), b.get(i)));
        }
        List<int[]> c = new BatchPlanner(utts, 30, 8, 5).plan(4);
        assertNotEquals(Arrays.deepToString(a.toArray()), Arrays.deepToString(c.toArray()));
    }
}
