package dev.pretext.objectives.mam;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** TEMPORARY: the old MaskPlan (its own span starts) against the one on the support's SpanMask. */
class LegacyMaskPlanParityTest {
    @Test
    void theSamePlansForTheSameSeeds() {
        for (long seed = 1; seed <= 2000; seed++) {
            SplittableRandom setup = new SplittableRandom(seed * 31);
            int batch = 1 + setup.nextInt(6);
            int frames = 1 + setup.nextInt(300);
            int[] lengths = new int[batch];
            for (int b = 0; b < batch; b++) {
                lengths[b] = setup.nextInt(frames + 1);
            }
            MamConfig config = new MamConfig(0.01 + 0.99 * setup.nextDouble(), 1 + setup.nextInt(10), setup.nextDouble(),
                    setup.nextDouble() * 0.5);
            OldMaskPlan old = OldMaskPlan.draw(lengths, frames, 40, config, new SplittableRandom(seed));
            MaskPlan now = MaskPlan.draw(lengths, frames, 40, config, new SplittableRandom(seed));
            assertArrayEquals(old.timeSelected(), now.timeSelected());
            assertArrayEquals(old.frameKeep(), now.frameKeep());
            assertArrayEquals(old.sourceFrame(), now.sourceFrame());
            assertArrayEquals(old.binSelected(), now.binSelected());
            assertArrayEquals(old.binKeep(), now.binKeep());
            assertArrayEquals(old.spanActions(), now.spanActions());
            assertEquals(old.lossWeight(), now.lossWeight());
        }
    }
}
