package dev.pretext.testkit;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.model.EncoderOutput;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test encoder on real libtorch: padding stays out, causality holds, FLOPs add up. */
class TestEncoderTest {
    private static final int BINS = 6;
    private static final int FRAMES = 20;

    private static TestEncoder built(NDManager manager, boolean causal) {
        Engine.getInstance().setRandomSeed(7);
        TestEncoder encoder = new TestEncoder(3, 16, causal);
        encoder.initialize(manager, new FeatureSpec(BINS, 100));
        return encoder;
    }

    private static float[] last(TestEncoder encoder, NDManager manager, NDArray features, NDArray valid) {
        EncoderOutput out = encoder.forward(new ParameterStore(manager, false), features, valid, false);
        assertEquals(encoder.layers() + 1, out.hiddenStates().size());
        assertEquals(new Shape(features.getShape().get(0), features.getShape().get(1), encoder.dim()),
                out.last().getShape());
        return out.last().toFloatArray();
    }

    @Test
    void aPaddedRowGivesTheSameRealFramesAsTheRowAlone() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TestEncoder encoder = built(manager, false);
            NDArray row = manager.randomNormal(new Shape(1, 12, BINS));
            float[] alone = last(encoder, manager, row, manager.ones(new Shape(1, 12)));
            // the same 12 frames followed by 8 frames of garbage marked as padding
            NDArray padded = row.concat(manager.full(new Shape(1, 8, BINS), 50f), 1);
            NDArray valid = manager.ones(new Shape(1, 12)).concat(manager.zeros(new Shape(1, 8)), 1);
            EncoderOutput out = encoder.forward(new ParameterStore(manager, false), padded, valid, false);
            float[] real = out.last().get(new NDIndex(":, :12")).toFloatArray();
            assertArrayEquals(alone, real, 1e-5f);
            assertEquals(0f, out.last().get(new NDIndex(":, 12:")).abs().sum().getFloat(), 0f,
                    "padded frames come out zero");
        }
    }

    @Test
    void aCausalEncoderIgnoresLaterFramesAndTheOtherDoesNot() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray features = manager.randomNormal(new Shape(2, FRAMES, BINS));
            NDArray changed = features.get(new NDIndex(":, :10")).concat(
                    manager.randomNormal(new Shape(2, FRAMES - 10, BINS)), 1);
            NDArray valid = manager.ones(new Shape(2, FRAMES));
            for (boolean causal : new boolean[] {true, false}) {
                TestEncoder encoder = built(manager, causal);
                assertEquals(causal, encoder.causal());
                NDArray before = manager.create(last(encoder, manager, features, valid), new Shape(2, FRAMES, 16));
                NDArray after = manager.create(last(encoder, manager, changed, valid), new Shape(2, FRAMES, 16));
                float earlier = before.sub(after).get(new NDIndex(":, :10")).abs().max().getFloat();
                if (causal) {
                    assertEquals(0f, earlier, 0f, "frames 0..9 of a causal encoder moved with frames 10..");
                } else {
                    assertTrue(earlier > 0, "frames 0..9 never see frames 10.. without causality");
                }
                assertTrue(before.sub(after).get(new NDIndex(":, 10:")).abs().max().getFloat() > 0);
            }
        }
    }

    @Test
    void flopsNameTheirComponentsAndGrowWithTheBatch() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TestEncoder encoder = built(manager, false);
            var one = encoder.flops(1, FRAMES);
            assertEquals(2 * one.total(), encoder.flops(2, FRAMES).total(), 1e-6 * one.total());
            assertTrue(one.forward().keySet().stream().allMatch(k -> k.startsWith("encoder.test.")), one.toString());
            assertFalse(one.forward().isEmpty());
        }
    }

    @Test
    void refusesAShapeWithoutLayers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TestEncoder(0, 8, false));
        assertTrue(e.getMessage().contains("at least one layer"), e.getMessage());
    }
}
