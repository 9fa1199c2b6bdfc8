package dev.pretext.core.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.pretext.api.model.TeacherSchedule;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TeacherTest {
    /**
     * The single pass and the engine's array ops round alike (two float products and a float sum per element), so
     * the two teachers must agree bit for bit, and both must follow the moving average written out in double.
     */
    @Test
    void theCpuPassAndTheEngineOpsGiveTheSameTeacherBitForBit() {
        Random random = new Random(11);
        try (NDManager manager = NDManager.newBaseManager()) {
            List<Parameter> student = List.of(parameter(manager, "matrix", new Shape(5, 3), random),
                    parameter(manager, "vector", new Shape(7), random));
            TeacherSchedule schedule = new TeacherSchedule(0.9, 0.99, 0.5);
            Teacher fast = new Teacher(schedule, student, true);
            Teacher plain = new Teacher(schedule, student, false);
            assertTrue(fast.onCpuKernel());
            assertFalse(plain.onCpuKernel());
            double[][] expected = new double[student.size()][];
            for (int p = 0; p < student.size(); p++) {
                float[] initial = student.get(p).getArray().toFloatArray();
                expected[p] = new double[initial.length];
                for (int j = 0; j < initial.length; j++) {
                    expected[p][j] = initial[j];
                }
            }
            for (int step = 1; step <= 5; step++) {
                // The student moves (as the optimiser would move it), then both teachers follow it.
                for (Parameter p : student) {
                    float[] moved = p.getArray().toFloatArray();
                    for (int j = 0; j < moved.length; j++) {
                        moved[j] += (float) random.nextGaussian();
                    }
                    p.getArray().set(moved);
                }
                double decay = 0.9 + 0.01 * step;
                fast.update(decay, manager);
                plain.update(decay, manager);
                for (int p = 0; p < student.size(); p++) {
                    float[] now = student.get(p).getArray().toFloatArray();
                    float d = (float) decay;
                    for (int j = 0; j < now.length; j++) {
                        expected[p][j] = d * expected[p][j] + (1 - d) * (double) now[j];
                    }
                    float[] a = fast.parameters().get(p).getArray().toFloatArray();
                    float[] b = plain.parameters().get(p).getArray().toFloatArray();
                    assertArrayEquals(b, a, 0f, "teacher " + p + " after step " + step);
                    for (int j = 0; j < a.length; j++) {
                        assertEquals(expected[p][j], a[j], 1e-5, "teacher " + p + "[" + j + "] after step " + step);
                    }
                }
            }
        }
    }

    private static Parameter parameter(NDManager manager, String name, Shape shape, Random random) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        float[] values = new float[(int) shape.size()];
        for (int j = 0; j < values.length; j++) {
            values[j] = (float) random.nextGaussian();
        }
        p.setArray(manager.create(values, shape));
        return p;
    }
}
