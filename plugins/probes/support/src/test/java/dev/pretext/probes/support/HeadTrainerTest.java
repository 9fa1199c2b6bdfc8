package dev.pretext.probes.support;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import dev.pretext.testkit.NativeMemory;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeadTrainerTest {
    private static final int LAYERS = 3;
    private static final int DIM = 4;

    /** Pooled examples whose class is the sign of unit 0 of layer 1; the other layers are noise. */
    private static float[][] examples(int n, int[] labels, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] out = new float[n][LAYERS * DIM];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < LAYERS * DIM; j++) {
                out[i][j] = (float) (2 * random.nextDouble() - 1);
            }
            labels[i] = out[i][DIM] > 0 ? 1 : 0;
        }
        return out;
    }

    /** Mean cross-entropy of the batch's logits against its examples' labels. */
    private static NDArray crossEntropy(NDManager step, NDArray logits, int[] labels, int[] batch) {
        long[] y = new long[batch.length];
        for (int i = 0; i < batch.length; i++) {
            y[i] = labels[batch[i]];
        }
        return logits.logSoftmax(1).gather(step.create(y).reshape(-1, 1), 1).mean().neg();
    }

    private record Trained(double loss, double[] weights, double accuracy) {
    }

    private static Trained train(long seed, boolean collectGarbageMidStep) {
        int n = 200;
        int[] labels = new int[n];
        float[][] pooled = examples(n, labels, 5);
        int[] steps = {0};
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightedLayerSum mixture = new WeightedLayerSum(LAYERS);
            SequentialBlock model = new SequentialBlock().add(mixture).add(Linear.builder().setUnits(2).build());
            HeadTrainer.initialise(model, manager, seed, new Shape(LAYERS, 1, DIM));
            double loss = HeadTrainer.train(model, manager, n, new HeadTrainer.Settings(30, 16, 0.05), seed,
                    (parameters, step, batch) -> {
                        NDArray x = LayerBatches.pooled(step, pooled, batch, LAYERS, DIM);
                        NDArray logits = model.forward(parameters, new NDList(x), true).singletonOrThrow();
                        // A few collections between forward and backward expose freed scalar operands (slow).
                        if (collectGarbageMidStep && steps[0]++ % 40 == 0) {
                            NativeMemory.collectAndReuse();
                        }
                        return crossEntropy(step, logits, labels, batch);
                    });
            long[] predicted = model.forward(new ai.djl.training.ParameterStore(manager, false),
                    new NDList(LayerBatches.pooled(manager, pooled, HeadTrainer.identity(n), LAYERS, DIM)), false)
                    .singletonOrThrow().argMax(1).toLongArray();
            int correct = 0;
            for (int i = 0; i < n; i++) {
                correct += predicted[i] == labels[i] ? 1 : 0;
            }
            return new Trained(loss, mixture.weights(), correct / (double) n);
        }
    }

    @Test
    void learnsAPlantedProblemAndTheLayerThatHoldsIt() {
        Trained trained = train(1, true);
        assertTrue(trained.accuracy() > 0.9, "accuracy " + trained.accuracy());
        assertTrue(trained.loss() < 0.4, "loss " + trained.loss());
        assertTrue(trained.weights()[1] > trained.weights()[0] && trained.weights()[1] > trained.weights()[2],
                java.util.Arrays.toString(trained.weights()));
    }

    /** Arrays the head's own manager holds after training for {@code epochs}. */
    private static int arraysKeptAfter(int epochs) {
        int n = 64;
        int[] labels = new int[n];
        float[][] pooled = examples(n, labels, 5);
        try (NDManager manager = NDManager.newBaseManager()) {
            SequentialBlock model = new SequentialBlock().add(new WeightedLayerSum(LAYERS))
                    .add(Linear.builder().setUnits(2).build());
            HeadTrainer.initialise(model, manager, 1, new Shape(LAYERS, 1, DIM));
            HeadTrainer.train(model, manager, n, new HeadTrainer.Settings(epochs, 8, 0.05), 1,
                    (parameters, step, batch) -> crossEntropy(step, model.forward(parameters,
                            new NDList(LayerBatches.pooled(step, pooled, batch, LAYERS, DIM)), true).singletonOrThrow(),
                            labels, batch));
            return manager.getManagedArrays().size();
        }
    }

    @Test
    void aStepsArraysDieWithTheStep() {
        // The mixture's weights are the first operand of the forward pass, so its arrays once landed in the head's
        // run-long manager and every step's activations lived until the probe ended (gigabytes on minutes of data).
        int afterOne = arraysKeptAfter(1);
        int afterFour = arraysKeptAfter(4);
        assertEquals(afterOne, afterFour, "arrays kept after 1 epoch: " + afterOne + ", after 4: " + afterFour);
    }

    @Test
    void sameSeedSameModelOtherSeedOtherModel() {
        Trained first = train(3, false);
        Trained second = train(3, false);
        Trained other = train(4, false);
        assertEquals(first.loss(), second.loss());
        assertArrayEquals(first.weights(), second.weights());
        assertNotEquals(first.loss(), other.loss());
    }
}
