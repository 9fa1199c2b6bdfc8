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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            adam.update(0.1, 1.0);
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
                adam.update(0.01, 1.0);
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
            new AdamW(params, manager, 0.9, 0.999, 1e-8, 0.5).update(0.1, 1.0);
            float[] weightAfter = params.get(0).getArray().toFloatArray();
            for (int i = 0; i < weight.length; i++) {
                assertEquals(weight[i] * 0.95f, weightAfter[i], 1e-6f);
            }
            assertArrayEquals(bias, params.get(1).getArray().toFloatArray(), 0f);
        }
    }

    /**
     * Five updates of a matrix and a vector against AdamW written out element by element in double precision
     * (Loshchilov and Hutter: decoupled decay on matrices only, bias-corrected moments), with a gradient scale
     * as clipping applies it. The engine's fused update must agree to float precision.
     */
    @ParameterizedTest(name = "cpu kernel {0}")
    @ValueSource(booleans = {true, false})
    void fiveStepsMatchTheTextbookFormulaInDoublePrecision(boolean cpuKernel) {
        fiveStepsAgainstTheFormula(cpuKernel, false);
    }

    /** A transposed view is not contiguous: its direct buffer would be a copy, so the engine's update must run. */
    @Test
    void aWeightTheKernelCannotReachFallsBackToTheEngine() {
        fiveStepsAgainstTheFormula(true, true);
    }

    private static void fiveStepsAgainstTheFormula(boolean cpuKernel, boolean transposedMatrix) {
        double lr = 0.03;
        double b1 = 0.9;
        double b2 = 0.98;
        double eps = 1e-6;
        double wd = 0.1;
        double scale = 0.7;
        java.util.Random random = new java.util.Random(7);
        try (NDManager manager = NDManager.newBaseManager()) {
            List<Parameter> params = List.of(parameter(manager, "matrix", new Shape(3, 4), random, transposedMatrix),
                    parameter(manager, "vector", new Shape(4), random, false));
            double[][] w = new double[2][];
            double[][] m = new double[2][];
            double[][] v = new double[2][];
            for (int p = 0; p < 2; p++) {
                float[] init = params.get(p).getArray().toFloatArray();
                w[p] = new double[init.length];
                for (int j = 0; j < init.length; j++) {
                    w[p][j] = init[j];
                }
                m[p] = new double[init.length];
                v[p] = new double[init.length];
            }
            AdamW adam = new AdamW(params, manager, b1, b2, eps, wd, cpuKernel);
            for (int t = 1; t <= 5; t++) {
                float[][] g = new float[2][];
                try (NDManager scratch = manager.newSubManager();
                     GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = null;
                    for (int p = 0; p < 2; p++) {
                        NDArray weight = params.get(p).getArray();
                        g[p] = new float[(int) weight.size()];
                        for (int j = 0; j < g[p].length; j++) {
                            g[p][j] = (float) random.nextGaussian();
                        }
                        // d(sum(w * c))/dw = c: the gradient is exactly the constant drawn above.
                        NDArray term = weight.mul(scratch.create(g[p], weight.getShape())).sum();
                        loss = loss == null ? term : loss.add(term);
                    }
                    gc.backward(loss);
                }
                double norm = adam.gradientNorm(manager);
                double sumSq = 0;
                for (float[] gp : g) {
                    for (float x : gp) {
                        sumSq += (double) x * x;
                    }
                }
                assertEquals(Math.sqrt(sumSq), norm, 1e-5 * Math.sqrt(sumSq), "gradient norm at step " + t);
                adam.update(lr, scale);
                double bc1 = 1 - Math.pow(b1, t);
                double bc2 = 1 - Math.pow(b2, t);
                for (int p = 0; p < 2; p++) {
                    boolean decays = p == 0;
                    for (int j = 0; j < w[p].length; j++) {
                        double grad = g[p][j] * scale;
                        m[p][j] = b1 * m[p][j] + (1 - b1) * grad;
                        v[p][j] = b2 * v[p][j] + (1 - b2) * grad * grad;
                        if (decays) {
                            w[p][j] -= lr * wd * w[p][j];
                        }
                        w[p][j] -= lr * (m[p][j] / bc1) / (Math.sqrt(v[p][j] / bc2) + eps);
                    }
                }
                for (int p = 0; p < 2; p++) {
                    float[] actual = params.get(p).getArray().toFloatArray();
                    for (int j = 0; j < actual.length; j++) {
                        assertEquals(w[p][j], actual[j], 2e-6, params.get(p).getName() + "[" + j + "] after step " + t);
                    }
                    assertArrayEquals(new float[actual.length], gradientOf(params.get(p)), 0f, "gradient zeroed");
                }
            }
            assertEquals(5, adam.step());
            assertEquals(cpuKernel && !transposedMatrix, adam.onCpuKernel(), "ran on the CPU kernel");
        }
    }

    /**
     * Chunks are fixed and the norm's partial sums are added in chunk order, so one thread and two give the same
     * bits (on an array of several chunks, with libtorch's intra-op pool, which the kernels follow, set to each).
     */
    @Test
    void oneThreadAndTwoGiveTheSameBits() {
        int before = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        try {
            float[][] results = new float[2][];
            double[] norms = new double[2];
            for (int threads = 1; threads <= 2; threads++) {
                ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
                assertEquals(Math.min(threads, Runtime.getRuntime().availableProcessors()), CpuKernels.threads());
                java.util.Random random = new java.util.Random(3);
                try (NDManager manager = NDManager.newBaseManager()) {
                    Parameter p = parameter(manager, "long", new Shape(5 * CpuKernels.CHUNK + 17), random, false);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(p.getArray().mul(p.getArray()).mul(0.5f).sum());  // gradient = the weights
                    }
                    AdamW adam = new AdamW(List.of(p), manager, 0.9, 0.98, 1e-6, 0.01);
                    assertTrue(adam.onCpuKernel());
                    norms[threads - 1] = adam.gradientNorm(manager);
                    adam.update(0.01, 0.5);
                    results[threads - 1] = p.getArray().toFloatArray();
                }
            }
            assertEquals(norms[0], norms[1], 0.0, "gradient norm on 1 and 2 threads");
            assertArrayEquals(results[0], results[1], 0f, "weights after one update on 1 and 2 threads");
        } finally {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(before);
        }
    }

    /** A parameter of normal values; {@code transposed}: stored as the transpose of a row-major matrix. */
    private static Parameter parameter(NDManager manager, String name, Shape shape, java.util.Random random,
                                       boolean transposed) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        float[] values = new float[(int) shape.size()];
        for (int j = 0; j < values.length; j++) {
            values[j] = (float) random.nextGaussian();
        }
        p.setArray(transposed
                ? manager.create(values, new Shape(shape.get(1), shape.get(0))).transpose()
                : manager.create(values, shape));
        p.getArray().setRequiresGradient(true);
        return p;
    }
}
