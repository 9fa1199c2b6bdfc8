package dev.pretext.probes.support;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightedLayerSumTest {
    @Test
    void startsUniformMixesLayersAndLearnsWhichLayerMatters() {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightedLayerSum mix = new WeightedLayerSum(3);
            mix.initialize(manager, DataType.FLOAT32, new Shape(3, 2, 2));
            assertArrayEquals(new double[]{1 / 3.0, 1 / 3.0, 1 / 3.0}, mix.weights(), 1e-6);

            // Layers hold 0, 3 and 6 everywhere: the uniform mixture is their mean.
            NDArray x = manager.create(new float[]{0, 0, 0, 0, 3, 3, 3, 3, 6, 6, 6, 6}, new Shape(3, 2, 2));
            ParameterStore store = new ParameterStore(manager, false);
            NDArray mixed = mix.forward(store, new NDList(x), false).singletonOrThrow();
            assertEquals(new Shape(2, 2), mixed.getShape());
            assertArrayEquals(new float[]{3, 3, 3, 3}, mixed.toFloatArray(), 1e-5f);

            // Pulling the output towards 6 must move weight onto the last layer.
            for (int step = 0; step < 50; step++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray out = mix.forward(store, new NDList(x), true).singletonOrThrow();
                    gc.backward(out.sub(6f).square().mean());
                }
                NDArray logits = mix.getParameters().valueAt(0).getArray();
                try (NDArray grad = logits.getGradient()) {
                    logits.subi(grad.mul(manager.create(0.5f)));
                    grad.subi(grad);
                }
            }
            double[] w = mix.weights();
            assertTrue(w[2] > 0.8 && w[2] > w[1] && w[1] > w[0], java.util.Arrays.toString(w));
        }
    }

    @Test
    void mixesSequencesTooDroppingOnlyTheLayerAxis() {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightedLayerSum mix = new WeightedLayerSum(2);
            mix.initialize(manager, DataType.FLOAT32, new Shape(2, 1, 1, 3));
            // [layers 2, batch 1, frames 2, dim 3]: layer 0 holds 0..5, layer 1 holds 10..15.
            NDArray x = manager.arange(0f, 6f).concat(manager.arange(10f, 16f)).reshape(2, 1, 2, 3);
            NDArray mixed = mix.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
            assertEquals(new Shape(1, 2, 3), mixed.getShape());
            assertArrayEquals(new float[]{5, 6, 7, 8, 9, 10}, mixed.toFloatArray(), 1e-5f);
            assertEquals(new Shape(1, 2, 3), mix.getOutputShapes(new Shape[]{new Shape(2, 1, 2, 3)})[0]);
        }
    }
}
