package dev.pretext.objectives.mam;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The masking decisions, checked statistically over many utterances (plain Java, no engine). */
class MaskPlanTest {
    private static final int BINS = 80;

    private static int[] randomLengths(SplittableRandom rng, int count, int min, int max) {
        int[] lengths = new int[count];
        for (int i = 0; i < count; i++) {
            lengths[i] = min + rng.nextInt(max - min + 1);
        }
        return lengths;
    }

    @Test
    void maskedShareIsCloseToMaskProb() {
        for (double maskProb : new double[]{0.15, 0.4}) {
            for (int span : new int[]{7, 10}) {
                MamConfig config = new MamConfig(maskProb, span, 0.0, null);
                SplittableRandom rng = new SplittableRandom(11);
                long selected = 0;
                long real = 0;
                for (int batch = 0; batch < 100; batch++) {
                    int[] lengths = randomLengths(rng, 8, 20, 800);
                    MaskPlan plan = MaskPlan.draw(lengths, 800, BINS, config, rng);
                    selected += plan.selectedFrames();
                    real += plan.realFrames();
                    double counted = 0;
                    for (float s : plan.timeSelected()) {
                        counted += s;
                    }
                    assertEquals(plan.selectedFrames(), counted, "spans overlap or were miscounted");
                }
                assertEquals(maskProb, selected / (double) real, 0.02, "mask_prob " + maskProb + ", span " + span);
            }
        }
    }

    @Test
    void shortUtterancesAreMaskedAtTheRightRateOnAverage() {
        // 5 frames with span 7: one span of 5 frames with probability 0.15 * 5 / 5.
        MamConfig config = new MamConfig(0.15, 7, 0.0, null);
        SplittableRandom rng = new SplittableRandom(3);
        long selected = 0;
        long real = 0;
        for (int i = 0; i < 4000; i++) {
            MaskPlan plan = MaskPlan.draw(new int[]{5}, 5, BINS, config, rng);
            selected += plan.selectedFrames();
            real += plan.realFrames();
        }
        assertEquals(0.15, selected / (double) real, 0.02);
    }

    @Test
    void paddingIsNeverSelectedAndReplacementsStayInsideTheUtterance() {
        MamConfig config = new MamConfig(0.5, 7, 1.0, 0.2);
        SplittableRandom rng = new SplittableRandom(5);
        int frames = 300;
        for (int batch = 0; batch < 200; batch++) {
            int[] lengths = randomLengths(rng, 6, 0, frames);
            MaskPlan plan = MaskPlan.draw(lengths, frames, BINS, config, rng);
            for (int b = 0; b < lengths.length; b++) {
                for (int t = 0; t < frames; t++) {
                    int at = b * frames + t;
                    int source = plan.sourceFrame()[at];
                    assertTrue(source >= b * frames && source < b * frames + Math.max(lengths[b], t + 1),
                            "frame " + t + " of utterance " + b + " copies from outside it");
                    if (t >= lengths[b]) {
                        assertEquals(0f, plan.timeSelected()[at], "padded frame selected");
                        assertEquals(1f, plan.frameKeep()[at]);
                        assertEquals(at, source);
                    }
                }
                if (lengths[b] == 0) {
                    for (int f = 0; f < BINS; f++) {
                        assertEquals(0f, plan.binSelected()[b * BINS + f], "empty utterance got a frequency band");
                    }
                }
            }
            long weight = 0;
            for (int b = 0; b < lengths.length; b++) {
                for (int t = 0; t < lengths[b]; t++) {
                    for (int f = 0; f < BINS; f++) {
                        weight += Math.max(plan.timeSelected()[b * frames + t], plan.binSelected()[b * BINS + f]) > 0 ? 1 : 0;
                    }
                }
            }
            assertEquals(weight, plan.lossWeight());
        }
    }

    @Test
    void spansFollowTheEightyTenTenScheme() {
        MamConfig config = new MamConfig(0.15, 7, 0.0, null);
        SplittableRandom rng = new SplittableRandom(9);
        int[] counts = new int[3];
        int replacedFramesThatMoved = 0;
        int replacedFrames = 0;
        for (int batch = 0; batch < 200; batch++) {
            int[] lengths = randomLengths(rng, 8, 100, 600);
            MaskPlan plan = MaskPlan.draw(lengths, 600, BINS, config, rng);
            for (byte action : plan.spanActions()) {
                counts[action]++;
            }
            for (int i = 0; i < plan.timeSelected().length; i++) {
                if (plan.timeSelected()[i] == 1f && plan.frameKeep()[i] == 1f && plan.sourceFrame()[i] != i) {
                    replacedFramesThatMoved++;
                }
            }
            int spansReplaced = 0;
            for (byte action : plan.spanActions()) {
                spansReplaced += action == MaskPlan.REPLACE ? 1 : 0;
            }
            replacedFrames += spansReplaced * 7;
        }
        double total = counts[0] + counts[1] + counts[2];
        assertTrue(total > 5000, "too few spans to judge: " + total);
        assertEquals(0.8, counts[MaskPlan.ZERO] / total, 0.03);
        assertEquals(0.1, counts[MaskPlan.REPLACE] / total, 0.02);
        assertEquals(0.1, counts[MaskPlan.KEEP] / total, 0.02);
        // every frame of a replaced span shows another frame
        assertEquals(replacedFrames, replacedFramesThatMoved);
    }

    @Test
    void frequencyBandsRespectProbabilityAndWidth() {
        MamConfig config = new MamConfig(0.15, 7, 0.5, 0.2);
        SplittableRandom rng = new SplittableRandom(13);
        int widest = (int) Math.floor(0.2 * BINS);
        int utterances = 0;
        int banded = 0;
        double widthSum = 0;
        for (int batch = 0; batch < 500; batch++) {
            int[] lengths = randomLengths(rng, 4, 50, 200);
            MaskPlan plan = MaskPlan.draw(lengths, 200, BINS, config, rng);
            for (int b = 0; b < lengths.length; b++) {
                int width = 0;
                int first = -1;
                int last = -1;
                for (int f = 0; f < BINS; f++) {
                    if (plan.binSelected()[b * BINS + f] == 1f) {
                        width++;
                        first = first < 0 ? f : first;
                        last = f;
                        assertEquals(0f, plan.binKeep()[b * BINS + f]);
                    }
                }
                assertTrue(width <= widest, "band of " + width + " bins");
                if (width > 0) {
                    assertEquals(width, last - first + 1, "band is not contiguous");
                    banded++;
                    widthSum += width;
                }
                utterances++;
            }
        }
        // P(band) = 0.5 * P(width > 0) = 0.5 * 16/17; mean width given a band = (1 + 16) / 2
        assertEquals(0.5 * widest / (widest + 1.0), banded / (double) utterances, 0.03);
        assertEquals((1 + widest) / 2.0, widthSum / banded, 0.5);
    }

    @Test
    void sameRandomStreamGivesTheSamePlan() {
        MamConfig config = new MamConfig(null, null, null, null);
        int[] lengths = {300, 120, 0, 299};
        MaskPlan a = MaskPlan.draw(lengths, 300, BINS, config, new SplittableRandom(77));
        MaskPlan b = MaskPlan.draw(lengths, 300, BINS, config, new SplittableRandom(77));
        MaskPlan c = MaskPlan.draw(lengths, 300, BINS, config, new SplittableRandom(78));
        assertArrayEquals(a.timeSelected(), b.timeSelected());
        assertArrayEquals(a.sourceFrame(), b.sourceFrame());
        assertArrayEquals(a.binSelected(), b.binSelected());
        assertFalse(java.util.Arrays.equals(a.timeSelected(), c.timeSelected()));
    }
}
