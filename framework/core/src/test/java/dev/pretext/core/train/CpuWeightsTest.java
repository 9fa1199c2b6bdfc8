package dev.pretext.core.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run on a GPU starts from the weights the CPU draws: {@link Trainer#copyCpuWeights} overwrites the device's
 * parameters, in order, with a CPU copy's. Here both sides are CPU managers (no GPU on the test machine); the
 * copy is the same explicit one.
 */
class CpuWeightsTest {
    private static List<Parameter> network(NDManager manager, int seed, int units) {
        Engine.getInstance().setRandomSeed(seed);
        Linear first = Linear.builder().setUnits(units).build();
        first.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
        Linear second = Linear.builder().setUnits(2).build();
        second.initialize(manager, DataType.FLOAT32, new Shape(1, units));
        List<Parameter> params = new ArrayList<>(first.getParameters().values());
        params.addAll(second.getParameters().values());
        return params;
    }

    @Test
    void theDevicesParametersTakeTheCpuDrawnValuesInOrder() {
        try (NDManager device = NDManager.newBaseManager(Device.cpu())) {
            List<Parameter> run = network(device, 1, 4);
            float[] before = run.get(0).getArray().toFloatArray();
            Trainer.copyCpuWeights(run, cpu -> network(cpu, 2, 4));
            List<Parameter> expected = network(device, 2, 4);
            for (int i = 0; i < run.size(); i++) {
                assertArrayEquals(expected.get(i).getArray().toFloatArray(), run.get(i).getArray().toFloatArray(),
                        "parameter " + i);
                assertEquals(Device.cpu(), run.get(i).getArray().getDevice());
            }
            assertFalse(java.util.Arrays.equals(before, run.get(0).getArray().toFloatArray()), "seed 1 differs");
        }
    }

    @Test
    void aCopyOfAnotherShapeIsRefusedNotSpread() {
        try (NDManager device = NDManager.newBaseManager(Device.cpu())) {
            List<Parameter> run = network(device, 1, 4);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Trainer.copyCpuWeights(run, cpu -> network(cpu, 1, 5)));
            assertTrue(e.getMessage().contains("on the device but"), e.getMessage());
            e = assertThrows(IllegalStateException.class,
                    () -> Trainer.copyCpuWeights(run, cpu -> network(cpu, 1, 4).subList(0, 2)));
            assertTrue(e.getMessage().contains("has 2 parameters, the run's 4"), e.getMessage());
        }
    }
}
