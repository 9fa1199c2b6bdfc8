package dev.pretext.architectures.transformer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A layer closes the handles of its intermediates once its output exists, so that only autograd holds what the
 * backward pass reads (and frees it as it goes), as in Python. What stays in the step's manager is the output and
 * the attention scale, which is made from Java memory and so must live as long as the step.
 */
class LayerIntermediatesTest {
    @ParameterizedTest(name = "pre-norm {0}, dropout {1}")
    @CsvSource({"true, 0", "true, 0.1", "false, 0", "false, 0.1"})
    void aTrainingForwardLeavesOnlyItsOutputAndTheScale(boolean preNorm, float dropout) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            TransformerLayer layer = new TransformerLayer(16, 2, 32, dropout, preNorm);
            Shape hidden = new Shape(2, 7, 16);
            layer.initialize(manager, DataType.FLOAT32, hidden, new Shape(2, 1, 1, 7));
            ParameterStore ps = new ParameterStore(manager, false);
            try (NDManager step = manager.newSubManager()) {
                NDArray x = step.randomNormal(hidden);
                NDArray keyBias = step.zeros(new Shape(2, 1, 1, 7));
                int before = ((BaseNDManager) step).getManagedArrays().size();
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray out = layer.forward(ps, new NDList(x, keyBias), true).head();
                    assertEquals(before + 2, ((BaseNDManager) step).getManagedArrays().size(),
                            "arrays in the step's manager after the forward: the output and the scale only");
                    collector.backward(out.square().sum());
                }
                // The released intermediates were still there for backward: every parameter got a finite gradient.
                layer.getParameters().values().forEach(p -> {
                    float[] g = p.getArray().getGradient().toFloatArray();
                    double norm = 0;
                    for (float v : g) {
                        assertTrue(Float.isFinite(v), p.getName() + " has a non-finite gradient");
                        norm += v * v;
                    }
                    assertTrue(norm > 0, p.getName() + " got no gradient");
                });
            }
        }
    }
}
