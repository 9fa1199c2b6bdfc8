package dev.pretext.probes.speakers;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import dev.pretext.api.RunContext;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.probe.LayerStack;
import dev.pretext.api.probe.Probe;
import dev.pretext.api.probe.ProbeExample;
import dev.pretext.api.probe.ProbeInput;
import dev.pretext.api.probe.ProbeResult;
import dev.pretext.probes.support.HeadTrainer;
import dev.pretext.probes.support.LayerBatches;
import dev.pretext.probes.support.PooledStandardiser;
import dev.pretext.probes.support.WeightedLayerSum;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    /** Where the head's arrays live: the run's device; the probe's inputs are host arrays copied there. */
    private final Device device;

    /** A probe whose head trains on the CPU (tests, tools). */
    public SpeakersProbe(SpeakersConfig config) {
        this(config, Device.cpu());
    }

    /** The probe of a run: its head trains on the run's device. */
    @Inject
    public SpeakersProbe(SpeakersConfig config, RunContext context) {
        this(config, context.device());
    }

    private SpeakersProbe(SpeakersConfig config, Device device) {
        this.config = config;
        this.device = device;
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
        float[][] train = standardiser.applyAll(trainPooled);
        int[] trainLabels = new int[input.train().size()];
        for (int i = 0; i < trainLabels.length; i++) {
            trainLabels[i] = classes.get(input.train().get(i).utterance().speaker());
        }

        try (NDManager manager = NDManager.newBaseManager(device)) {
            WeightedLayerSum mixture = new WeightedLayerSum(layers);
            SequentialBlock model = new SequentialBlock()
                    .add(mixture)
                    .add(Linear.builder().setUnits(classes.size()).build());
            HeadTrainer.initialise(model, manager, input.seed(), new Shape(layers, 1, dim));

            double lastEpochLoss = HeadTrainer.train(model, manager, train.length,
                    new HeadTrainer.Settings(config.epochs(), config.batchSize(), config.lr()), input.seed(),
                    (parameters, step, batch) -> {
                        NDArray x = LayerBatches.pooled(step, train, batch, layers, dim);
                        long[] targets = new long[batch.length];
                        for (int i = 0; i < batch.length; i++) {
                            targets[i] = trainLabels[batch[i]];
                        }
                        NDArray logits = model.forward(parameters, new NDList(x), true).singletonOrThrow();
                        return logits.logSoftmax(1).gather(step.create(targets).reshape(-1, 1), 1).mean().neg();
                    });

            float[][] testPooled = standardiser.applyAll(pool(input.test()));
            long[] predicted;
            try (NDManager evaluation = manager.newSubManager()) {
                NDArray x = LayerBatches.pooled(evaluation, testPooled, HeadTrainer.identity(testPooled.length),
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
                    "train_utterances", (double) train.length,
                    "test_utterances", (double) testPooled.length,
                    "unseen_speaker_test_utterances", (double) unseen,
                    "final_train_loss", lastEpochLoss));
        }
    }

    private static float[][] pool(List<ProbeExample> examples) {
        float[][] out = new float[examples.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = PooledStandardiser.pool(examples.get(i).representation());
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
}
