package dev.pretext.probes.support;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LayerBatchesTest {
    @Test
    void pooledExamplesBecomeLayerMajor() {
        // Two examples of 2 layers x 2 units: example e, layer l, unit d holds 100e + 10l + d.
        float[][] pooled = {{0, 1, 10, 11}, {100, 101, 110, 111}};
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = LayerBatches.pooled(manager, pooled, new int[] {1, 0}, 2, 2);
            assertEquals(new Shape(2, 2, 2), x.getShape());
            assertArrayEquals(new float[] {100, 101, 0, 1, 110, 111, 10, 11}, x.toFloatArray());
        }
    }

    @Test
    void sequencesArePaddedWithZerosPerLayer() {
        // Utterance 0: 2 layers x 1 frame x 2 units; utterance 1: 2 layers x 2 frames x 2 units.
        float[][] stacks = {{1, 2, 3, 4}, {5, 6, 7, 8, 9, 10, 11, 12}};
        int[] frames = {1, 2};
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = LayerBatches.sequences(manager, stacks, frames, new int[] {0, 1}, 2, 2);
            assertEquals(new Shape(2, 2, 2, 2), x.getShape());
            assertArrayEquals(new float[] {
                1, 2, 0, 0,   5, 6, 7, 8,      // layer 0: utterance 0 (padded), utterance 1
                3, 4, 0, 0,   9, 10, 11, 12},  // layer 1
                    x.toFloatArray());
            assertArrayEquals(new int[] {2, 1}, LayerBatches.lengths(frames, new int[] {1, 0}));
        }
    }

    @Test
    void poolsASliceOfFrames() {
        // 1 layer x 4 frames x 1 unit.
        var stack = new dev.pretext.api.probe.LayerStack(new float[] {1, 2, 3, 10}, 1, 4, 1);
        assertArrayEquals(new float[] {2.5f}, PooledStandardiser.pool(stack, 1, 3), 1e-6f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PooledStandardiser.pool(stack, 2, 2));
        assertEquals("cannot pool frames [2, 2) of a stack of 4 frames: the slice must hold at least one frame",
                e.getMessage());
    }
}
