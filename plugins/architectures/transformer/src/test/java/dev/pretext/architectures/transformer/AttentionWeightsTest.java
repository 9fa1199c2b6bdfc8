package dev.pretext.architectures.transformer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The attention weights free their scores early (in-place bias, scores closed after softmax) to save memory. That
 * must not change a number: outputs and the gradients reaching q and k equal those of the plain out-of-place
 * formulation bit for bit, with padded keys, over repeated steps in one manager.
 */
class AttentionWeightsTest {
    @Test
    void freeingTheScoresEarlyChangesNoOutputAndNoGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            Shape qk = new Shape(3, 4, 37, 16);
            NDArray q = manager.randomNormal(qk);
            NDArray k = manager.randomNormal(qk);
            NDArray bias = manager.zeros(new Shape(3, 1, 1, 37));
            bias.set(new NDIndex("2, :, :, 20:"), -1e4f);
            NDArray upstream = manager.randomNormal(new Shape(3, 4, 37, 37));
            String[] names = {"weights", "dq", "dk"};
            for (int step = 0; step < 3; step++) {
                float[][] early = run(q, k, bias, upstream, true);
                float[][] plain = run(q, k, bias, upstream, false);
                for (int i = 0; i < early.length; i++) {
                    assertArrayEquals(plain[i], early[i], "step " + step + ", " + names[i]);
                }
            }
        }
    }

    private static float[][] run(NDArray q, NDArray k, NDArray bias, NDArray upstream, boolean early) {
        try (NDManager step = q.getManager().newSubManager()) {
            NDArray queries = q.duplicate();
            NDArray keys = k.duplicate();
            queries.attach(step);
            keys.attach(step);
            queries.setRequiresGradient(true);
            keys.setRequiresGradient(true);
            float[] weights;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray w = early ? TransformerLayer.attentionWeights(queries, keys, bias)
                        : queries.matMul(keys.transpose(0, 1, 3, 2)).add(bias).softmax(3);
                weights = w.toFloatArray();
                collector.backward(w.mul(upstream).sum());
            }
            return new float[][]{weights, queries.getGradient().toFloatArray(), keys.getGradient().toFloatArray()};
        }
    }
}
