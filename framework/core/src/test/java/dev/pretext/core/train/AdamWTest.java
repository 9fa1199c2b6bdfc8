package dev.pretext.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AdamWTest {
    private static float[] gradientOf(Parameter p) {
        NDArray g = p.getArray().getGradient();
        float[] values = g.toFloatArray();
        g.close();
        return values;
    }

    @Test
    void gradientsAccumulateAcrossCollectorsUntilTheUpdateZeroesThem() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Linear linear = Linear.builder().setUnits(1).optBias(false).build();
            Engine.getInstance().setRandomSeed(1);
            linear.initialize(manager, DataType.FLOAT32, new Shape(1, 2));
            Parameter w = linear.getParameters().valueAt(0);
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.create(new float[]{1f, 2f}, new Shape(1, 2));
            for (int i = 0; i < 2; i++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(linear.forward(store, new NDList(x), true).singletonOrThrow().sum());
                }
            }
            // d(sum(w.x))/dw = x, twice.
            assertArrayEquals(new float[]{2f, 4f}, gradientOf(w), 1e-6f);

            AdamW adam = new AdamW(List.of(w), manager, 0.9, 0.999, 1e-8, 0.0);
            float[] before = w.getArray().toFloatArray();
            adam.update(0.1, 1.0, manager);
            float[] after = w.getArray().toFloatArray();
            // Adam's first step moves every weight by lr against the sign of its gradient.
            assertEquals(before[0] - 0.1f, after[0], 1e-5f);
            assertEquals(before[1] - 0.1f, after[1], 1e-5f);
            assertArrayEquals(new float[]{0f, 0f}, gradientOf(w), 0f);
        }
    }

    @Test
    void stepsLeaveNothingBehindInTheRunsManager() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Linear linear = Linear.builder().setUnits(3).build();
            Engine.getInstance().setRandomSeed(2);
            linear.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
            List<Parameter> params = new java.util.ArrayList<>(linear.getParameters().values());
            ParameterStore store = new ParameterStore(manager, false);
            AdamW adam = new AdamW(params, manager, 0.9, 0.999, 1e-8, 0.01);
            int[] counts = new int[4];
            for (int step = 0; step < counts.length; step++) {
                try (NDManager scratch = manager.newSubManager()) {
                    NDArray x = scratch.create(new float[]{1f, 2f, 3f, 4f}, new Shape(1, 4));
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(linear.forward(store, new NDList(x), true).singletonOrThrow().sum());
                    }
                }
                adam.update(0.01, 1.0, manager);
                counts[step] = ((ai.djl.ndarray.BaseNDManager) manager).getManagedArrays().size();
            }
            // A temporary left in the run's manager would grow this by a few arrays every step, for the whole run.
            assertEquals(counts[1], counts[3], "arrays held by the run's manager after steps 2 and 4");
        }
    }

    @Test
    void weightDecaySkipsVectorsAndShrinksMatrices() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Linear linear = Linear.builder().setUnits(2).build();
            linear.initialize(manager, DataType.FLOAT32, new Shape(1, 2));
            List<Parameter> params = new ArrayList<>(linear.getParameters().values());
            // Zero gradients: only weight decay can move the weights.
            for (Parameter p : params) {
                p.getArray().getGradient().subi(p.getArray().getGradient());
            }
            float[] weight = params.get(0).getArray().toFloatArray();
            float[] bias = params.get(1).getArray().toFloatArray();
            new AdamW(params, manager, 0.9, 0.999, 1e-8, 0.5).update(0.1, 1.0, manager);
            float[] weightAfter = params.get(0).getArray().toFloatArray();
            for (int i = 0; i < weight.length; i++) {
                assertEquals(weight[i] * 0.95f, weightAfter[i], 1e-6f);
            }
            assertArrayEquals(bias, params.get(1).getArray().toFloatArray(), 0f);
        }
    }
}
