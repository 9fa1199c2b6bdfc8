package dev.pretext.probes.support;

import dev.pretext.api.probe.LayerStack;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PooledStandardiserTest {
    @Test
    void poolsEachLayerOverFrames() {
        // 2 layers x 3 frames x 2 units, layer-major.
        LayerStack stack = new LayerStack(new float[] {1, 10, 2, 20, 3, 30, -1, 0, -2, 0, -3, 6}, 2, 3, 2);
        assertArrayEquals(new float[] {2, 20, -2, 2}, PooledStandardiser.pool(stack), 1e-6f);
    }

    @Test
    void standardisesOverUtterancesAndSilencesConstantUnits() {
        // Unit 0 varies across utterances; unit 1 is the same in all of them (as after per-utterance CMVN).
        float[][] pooled = {{1, 5}, {3, 5}, {5, 5}, {7, 5}};
        PooledStandardiser standardiser = PooledStandardiser.fit(pooled);
        double std = Math.sqrt(5); // population std of 1, 3, 5, 7

        assertArrayEquals(new float[] {(float) (-3 / std), 0}, standardiser.apply(pooled[0]), 1e-6f);
        assertArrayEquals(new float[] {(float) (3 / std), 0}, standardiser.apply(pooled[3]), 1e-6f);
        assertEquals(0f, standardiser.apply(new float[] {4, 1000})[1], "a constant unit says nothing, whatever its test value");
    }
}
