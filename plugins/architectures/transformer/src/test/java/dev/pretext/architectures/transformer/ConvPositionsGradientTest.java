package dev.pretext.architectures.transformer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * libtorch's convolutions run on oneDNN, whose AVX-512 kernels returned NaN input gradients for channel counts that
 * are not a multiple of 16 (the asr probe's head, seen on an AMD Zen 5). The positional convolution has dim / groups
 * channels per group, rarely a multiple of 16: its gradients must stay finite on every CPU.
 */
class ConvPositionsGradientTest {
    @ParameterizedTest
    @CsvSource({"128, 16, 128, 4, 300", "192, 16, 128, 4, 250", "384, 16, 128, 2, 200", "96, 16, 31, 3, 97",
            "24, 8, 5, 3, 40"})
    void gradientsAreFiniteForChannelCountsThatAreNotMultiplesOf16(int dim, int groups, int kernel, int batch,
                                                                  int frames) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            ConvPositions block = new ConvPositions(dim, kernel, groups);
            block.initialize(manager, DataType.FLOAT32, new Shape(batch, frames, dim));
            NDArray x = manager.randomNormal(new Shape(batch, frames, dim));
            // The last utterance is padded: zero frames, as the encoder gives them.
            x.set(new NDIndex((batch - 1) + ", " + (frames / 2) + ":, :"), 0f);
            x.setRequiresGradient(true);
            NDArray r = manager.randomNormal(new Shape(batch, frames, dim));
            for (int step = 0; step < 3; step++) {
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray y = block.forward(new ParameterStore(manager, false), new NDList(x), true)
                            .singletonOrThrow();
                    collector.backward(y.mul(r).sum());
                }
                assertFinite("input gradient", x.getGradient());
                block.getParameters().forEach(p ->
                        assertFinite(p.getKey() + " gradient", p.getValue().getArray().getGradient()));
            }
        }
    }

    private static void assertFinite(String what, NDArray array) {
        float[] values = array.toFloatArray();
        for (int i = 0; i < values.length; i++) {
            assertTrue(Float.isFinite(values[i]), what + " [" + i + "] = " + values[i]);
        }
    }
}
