package dev.pretext.probes.support;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import java.util.SplittableRandom;

/**
 * The training loop every probe shares: mini-batches of examples in a fresh seeded order every epoch, Adam at a
 * fixed or cosine-decayed learning rate on every parameter of the head (the layer-mixture logits included). The
 * probe says what an example is by the loss it computes for a batch of example indices.
 */
public final class HeadTrainer {
    /** What a probe computes for one mini-batch. */
    @FunctionalInterface
    public interface BatchLoss {
        /**
         * @param parameters the model's parameters, for {@code model.forward(parameters, ..., true)}
         * @param step       owns this step's arrays (closed after the step); create scalars here, never pass
         *                   Numbers to mul/div on the gradient path
         * @param examples   indices of this batch's examples
         * @return the batch's mean loss per example, a scalar in the graph
         */
        NDArray loss(ParameterStore parameters, NDManager step, int[] examples);
    }

    /**
     * @param batchSize examples per optimiser step (the last batch of an epoch may be smaller)
     * @param cosine    decay the learning rate from {@code lr} to zero along a cosine over all steps, so that the
     *                  head settles where a fixed rate would keep it jumping around the optimum
     */
    public record Settings(int epochs, int batchSize, double lr, boolean cosine) {
        public Settings {
            if (epochs < 1 || batchSize < 1 || !(lr > 0)) {
                throw new IllegalArgumentException("epochs and batch size must be at least 1 and lr positive, got "
                        + epochs + ", " + batchSize + ", " + lr);
            }
        }

        /** A fixed learning rate. */
        public Settings(int epochs, int batchSize, double lr) {
            this(epochs, batchSize, lr, false);
        }
    }

    private HeadTrainer() {
    }

    /**
     * Seeds the engine, then initialises the model's parameters for {@code inputShapes}, so that the same seed gives
     * the same initial head.
     */
    public static void initialise(Block model, NDManager manager, long seed, Shape... inputShapes) {
        Engine.getInstance().setRandomSeed(Long.hashCode(seed));
        model.initialize(manager, DataType.FLOAT32, inputShapes);
    }

    /**
     * Trains {@code model} on {@code examples} examples.
     *
     * @param seed the order of examples in every epoch comes from this seed alone
     * @return the mean training loss per example over the last epoch
     */
    public static double train(Block model, NDManager manager, int examples, Settings settings, long seed,
                               BatchLoss batchLoss) {
        if (examples < 1) {
            throw new IllegalArgumentException("there are no training examples");
        }
        int batchSize = Math.min(settings.batchSize(), examples);
        ParameterStore parameters = new ParameterStore(manager, false);
        int stepsPerEpoch = (examples + batchSize - 1) / batchSize;
        Tracker rate = settings.cosine()
                ? Tracker.cosine().setBaseValue((float) settings.lr()).optFinalValue(0f)
                        .setMaxUpdates(Math.max(1, settings.epochs() * stepsPerEpoch)).build()
                : Tracker.fixed((float) settings.lr());
        Optimizer adam = Optimizer.adam().optLearningRateTracker(rate).build();
        SplittableRandom random = new SplittableRandom(seed);
        int[] order = identity(examples);
        double lastEpochLoss = Double.NaN;
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
            shuffle(order, random);
            double lossSum = 0;
            for (int from = 0; from < examples; from += batchSize) {
                int to = Math.min(examples, from + batchSize);
                int[] batch = java.util.Arrays.copyOfRange(order, from, to);
                try (NDManager step = manager.newSubManager()) {
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = batchLoss.loss(parameters, step, batch);
                        collector.backward(loss);
                        lossSum += loss.getFloat() * batch.length;
                    }
                    for (Parameter parameter : model.getParameters().values()) {
                        NDArray weight = parameter.getArray();
                        try (NDArray gradient = weight.getGradient()) {
                            adam.update(parameter.getId(), weight, gradient);
                        }
                    }
                }
            }
            lastEpochLoss = lossSum / examples;
        }
        return lastEpochLoss;
    }

    /** {@code 0, 1, ..., n - 1}. */
    public static int[] identity(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    /** Fisher-Yates with the caller's seeded stream. */
    public static void shuffle(int[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }
}
