package dev.pretext.probes.speakers;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.probe.LayerStack;
import dev.pretext.api.probe.Probe;
import dev.pretext.api.probe.ProbeExample;
import dev.pretext.api.probe.ProbeInput;
import dev.pretext.api.probe.ProbeResult;
import dev.pretext.probes.support.WeightedLayerSum;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Utterance-level speaker identification, SUPERB-style: a softmax-weighted sum of the frozen layers, mean-pooled
 * over the utterance's frames, feeds a linear softmax classifier over the training speakers, trained with Adam on
 * CPU. Metric: accuracy on the test utterances (an utterance of a speaker unseen in training counts as an error).
 *
 * <p>The weighted sum and the mean are both linear, so each utterance is pooled once, per layer, before training;
 * the mixture then acts on the pooled vectors, each unit standardised over the training utterances (see
 * {@link PooledStandardiser}).
 */
public final class SpeakersProbe implements Probe {
    private final SpeakersConfig config;

    @Inject
    public SpeakersProbe(SpeakersConfig config) {
        this.config = config;
    }

    @Override
    public Optional<String> unusable(Utterance utterance) {
        return utterance.hasSpeaker() ? Optional.empty() : Optional.of("no speaker label");
    }

    @Override
    public ProbeResult run(ProbeInput input) {
        int layers = input.layers();
        int dim = input.dim();
        checkExamples(input.train());
        checkExamples(input.test());

        Map<String, Integer> classes = classes(input.train());
        float[][] trainPooled = pool(input.train());
        PooledStandardiser standardiser = PooledStandardiser.fit(trainPooled);
        trainPooled = standardise(trainPooled, standardiser);
        int[] trainLabels = new int[input.train().size()];
        for (int i = 0; i < trainLabels.length; i++) {
            trainLabels[i] = classes.get(input.train().get(i).utterance().speaker());
        }

        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Engine.getInstance().setRandomSeed(Long.hashCode(input.seed()));
            WeightedLayerSum mixture = new WeightedLayerSum(layers);
            SequentialBlock model = new SequentialBlock()
                    .add(mixture)
                    .add(Linear.builder().setUnits(classes.size()).build());
            model.initialize(manager, DataType.FLOAT32, new Shape(layers, 1, dim));

            double lastEpochLoss = train(model, manager, input, trainPooled, trainLabels);

            float[][] testPooled = standardise(pool(input.test()), standardiser);
            long[] predicted;
            try (NDManager evaluation = manager.newSubManager()) {
                NDArray x = batch(evaluation, testPooled, identity(testPooled.length), 0, testPooled.length,
                        layers, dim);
                predicted = model.forward(new ParameterStore(evaluation, false), new NDList(x), false)
                        .singletonOrThrow().argMax(1).toLongArray();
            }
            int correct = 0;
            int unseen = 0;
            for (int i = 0; i < predicted.length; i++) {
                Integer truth = classes.get(input.test().get(i).utterance().speaker());
                if (truth == null) {
                    unseen++;
                } else if (truth == predicted[i]) {
                    correct++;
                }
            }
            return new ProbeResult("accuracy", correct / (double) predicted.length, true, mixture.weights(), Map.of(
                    "classes", (double) classes.size(),
                    "chance", 1.0 / classes.size(),
                    "epochs", (double) config.epochs(),
                    "train_utterances", (double) trainPooled.length,
                    "test_utterances", (double) testPooled.length,
                    "unseen_speaker_test_utterances", (double) unseen,
                    "final_train_loss", lastEpochLoss));
        }
    }

    /** Adam over the pooled training utterances, reshuffled every epoch; returns the last epoch's mean loss. */
    private double train(SequentialBlock model, NDManager manager, ProbeInput input, float[][] pooled,
                         int[] labels) {
        int utterances = pooled.length;
        int batchSize = Math.min(config.batchSize(), utterances);
        ParameterStore parameterStore = new ParameterStore(manager, false);
        Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(config.lr().floatValue())).build();
        SplittableRandom random = new SplittableRandom(input.seed());
        int[] order = identity(utterances);
        double lastEpochLoss = Double.NaN;

        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            shuffle(order, random);
            double lossSum = 0;
            for (int from = 0; from < utterances; from += batchSize) {
                int to = Math.min(utterances, from + batchSize);
                long[] targets = new long[to - from];
                for (int i = from; i < to; i++) {
                    targets[i - from] = labels[order[i]];
                }
                try (NDManager step = manager.newSubManager()) {
                    NDArray x = batch(step, pooled, order, from, to, input.layers(), input.dim());
                    NDArray y = step.create(targets);
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = model.forward(parameterStore, new NDList(x), true).singletonOrThrow();
                        NDArray loss = logits.logSoftmax(1).gather(y.reshape(-1, 1), 1).mean().neg();
                        collector.backward(loss);
                        lossSum += loss.getFloat() * (to - from);
                    }
                    for (Parameter parameter : model.getParameters().values()) {
                        NDArray weight = parameter.getArray();
                        try (NDArray gradient = weight.getGradient()) {
                            adam.update(parameter.getId(), weight, gradient);
                        }
                    }
                }
            }
            lastEpochLoss = lossSum / utterances;
        }
        return lastEpochLoss;
    }

    /** Pooled utterances {@code order[from..to)} as the layer-major [layers, count, dim] input of the mixture. */
    private static NDArray batch(NDManager manager, float[][] pooled, int[] order, int from, int to, int layers,
                                 int dim) {
        int count = to - from;
        float[] values = new float[layers * count * dim];
        for (int i = 0; i < count; i++) {
            float[] utterance = pooled[order[from + i]];
            for (int l = 0; l < layers; l++) {
                System.arraycopy(utterance, l * dim, values, (l * count + i) * dim, dim);
            }
        }
        return manager.create(values, new Shape(layers, count, dim));
    }

    private static float[][] pool(List<ProbeExample> examples) {
        float[][] out = new float[examples.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = PooledStandardiser.pool(examples.get(i).representation());
        }
        return out;
    }

    private static float[][] standardise(float[][] pooled, PooledStandardiser standardiser) {
        float[][] out = new float[pooled.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = standardiser.apply(pooled[i]);
        }
        return out;
    }

    /** Class ids in sorted speaker order, so that the same data gives the same ids. */
    private static Map<String, Integer> classes(List<ProbeExample> train) {
        TreeMap<String, Integer> classes = new TreeMap<>();
        for (ProbeExample example : train) {
            classes.put(example.utterance().speaker(), 0);
        }
        int id = 0;
        for (Map.Entry<String, Integer> entry : classes.entrySet()) {
            entry.setValue(id++);
        }
        return classes;
    }

    private static void checkExamples(List<ProbeExample> examples) {
        for (ProbeExample example : examples) {
            LayerStack stack = example.representation();
            String id = example.utterance().id();
            if (stack.frames() == 0) {
                throw new IllegalArgumentException("utterance '" + id + "' has no frames to pool: drop it or "
                        + "check the frontend on it");
            }
            if (!example.utterance().hasSpeaker()) {
                throw new IllegalArgumentException("utterance '" + id + "' has no speaker label; the core should "
                        + "have dropped it as unusable");
            }
        }
    }

    private static int[] identity(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    /** Fisher-Yates with the probe's own seeded stream. */
    private static void shuffle(int[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }
}
