package dev.pretext.probes.keywords;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import dev.pretext.api.RunContext;
import dev.pretext.api.data.PhoneSegment;
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

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Keyword spotting, SUPERB's KS on Speech Commands: twelve-way (by default) classification of a clip into one of
 * the keywords, {@code _unknown_} (a single word that is no keyword) or {@code _silence_}. A softmax-weighted sum of
 * the frozen layers, mean-pooled over the example's frames, feeds a linear softmax head trained with Adam.
 *
 * <p>Examples: every single-word utterance as a whole (its leading and trailing silence included, as in a Speech
 * Commands clip); and {@code _silence_} slices, the frames of an utterance's longest silence of at least
 * {@code min_silence_seconds}. An utterance gives at most one silence slice, and each part (train, test) takes as many
 * silence slices as the mean word class has examples, chosen with the probe's seed: Speech Commands' classes are
 * about equally frequent, and a silence class that outnumbered the words would make accuracy mostly a measure of
 * telling speech from silence.
 */
public final class KeywordsProbe implements Probe {
    private final KeywordsConfig config;
    /** Where the head's arrays live: the run's device; the probe's inputs are host arrays copied there. */
    private final Device device;
    private final KeywordClasses classes;

    /** A probe whose head trains on the CPU (tests, tools). */
    public KeywordsProbe(KeywordsConfig config) {
        this(config, Device.cpu());
    }

    /** The probe of a run: its head trains on the run's device. */
    @Inject
    public KeywordsProbe(KeywordsConfig config, RunContext context) {
        this(config, context.device());
    }

    private KeywordsProbe(KeywordsConfig config, Device device) {
        this.config = config;
        this.classes = new KeywordClasses(config);
        this.device = device;
    }

    @Override
    public Optional<String> unusable(Utterance utterance) {
        return classes.unusable(utterance);
    }

    /** Pooled examples of one part and their class ids. */
    record Examples(float[][] pooled, int[] labels, int silenceCandidates) {
        int count(int label) {
            return (int) Arrays.stream(labels).filter(l -> l == label).count();
        }
    }

    @Override
    public ProbeResult run(ProbeInput input) {
        int layers = input.layers();
        int dim = input.dim();
        SplittableRandom random = new SplittableRandom(input.seed());
        Examples train = examples(input.train(), input.frameRateHz(), random.split());
        Examples test = examples(input.test(), input.frameRateHz(), random.split());
        int silence = classes.id(KeywordClasses.SILENCE);
        if (train.labels().length == train.count(silence)) {
            throw new IllegalArgumentException("the training part has no single-word utterance, only silences: keyword "
                    + "spotting needs utterances of one word each (the tts dataset makes them: keyword_share > 0)");
        }

        PooledStandardiser standardiser = PooledStandardiser.fit(train.pooled());
        float[][] trainPooled = standardiser.applyAll(train.pooled());
        float[][] testPooled = standardiser.applyAll(test.pooled());
        int[] trainLabels = train.labels();

        try (NDManager manager = NDManager.newBaseManager(device)) {
            WeightedLayerSum mixture = new WeightedLayerSum(layers);
            SequentialBlock model = new SequentialBlock()
                    .add(mixture)
                    .add(Linear.builder().setUnits(classes.names().size()).build());
            HeadTrainer.initialise(model, manager, input.seed(), new Shape(layers, 1, dim));

            double lastEpochLoss = HeadTrainer.train(model, manager, trainPooled.length,
                    new HeadTrainer.Settings(config.epochs(), config.batchSize(), config.lr()), input.seed(),
                    (parameters, step, batch) -> {
                        NDArray x = LayerBatches.pooled(step, trainPooled, batch, layers, dim);
                        long[] targets = new long[batch.length];
                        for (int i = 0; i < batch.length; i++) {
                            targets[i] = trainLabels[batch[i]];
                        }
                        NDArray logits = model.forward(parameters, new NDList(x), true).singletonOrThrow();
                        return logits.logSoftmax(1).gather(step.create(targets).reshape(-1, 1), 1).mean().neg();
                    });

            long[] predicted;
            try (NDManager evaluation = manager.newSubManager()) {
                NDArray x = LayerBatches.pooled(evaluation, testPooled, HeadTrainer.identity(testPooled.length),
                        layers, dim);
                predicted = model.forward(new ParameterStore(evaluation, false), new NDList(x), false)
                        .singletonOrThrow().argMax(1).toLongArray();
            }
            int correct = 0;
            Map<Integer, Integer> perClass = new HashMap<>();
            for (int i = 0; i < predicted.length; i++) {
                correct += predicted[i] == test.labels()[i] ? 1 : 0;
                perClass.merge(test.labels()[i], 1, Integer::sum);
            }
            int unknown = classes.id(KeywordClasses.UNKNOWN);
            int majority = perClass.values().stream().max(Integer::compare).orElse(0);
            Map<String, Double> details = new HashMap<>();
            details.put("classes", (double) classes.names().size());
            details.put("majority_class_share", majority / (double) predicted.length);
            details.put("epochs", (double) config.epochs());
            details.put("train_examples", (double) trainPooled.length);
            details.put("train_silence_examples", (double) train.count(silence));
            details.put("train_unknown_examples", (double) train.count(unknown));
            details.put("test_examples", (double) predicted.length);
            details.put("test_silence_examples", (double) test.count(silence));
            details.put("test_unknown_examples", (double) test.count(unknown));
            details.put("final_train_loss", lastEpochLoss);
            return new ProbeResult("accuracy", correct / (double) predicted.length, true, mixture.weights(), details);
        }
    }

    /** Word examples of every single-word utterance, then the chosen silence slices. */
    Examples examples(List<ProbeExample> part, double frameRateHz, SplittableRandom random) {
        List<float[]> pooled = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<float[]> silences = new ArrayList<>();
        for (ProbeExample example : part) {
            Utterance utterance = example.utterance();
            LayerStack stack = example.representation();
            Optional<String> why = classes.unusable(utterance);
            if (why.isPresent()) {
                throw new IllegalArgumentException("utterance '" + utterance.id() + "' cannot be used (" + why.get()
                        + "); the core should have dropped it");
            }
            Optional<String> word = classes.wordClass(utterance.text());
            if (word.isPresent()) {
                if (stack.frames() == 0) {
                    throw new IllegalArgumentException("utterance '" + utterance.id() + "' has no frames to pool: "
                            + "drop it or check the frontend on it");
                }
                pooled.add(PooledStandardiser.pool(stack));
                labels.add(classes.id(word.get()));
            }
            Optional<PhoneSegment> silence = classes.longestSilence(utterance);
            if (silence.isPresent()) {
                int[] frames = frames(silence.get(), frameRateHz, stack.frames());
                if (frames[1] > frames[0]) {
                    silences.add(PooledStandardiser.pool(stack, frames[0], frames[1]));
                }
            }
        }
        long wordClasses = labels.stream().distinct().count();
        int silenceCount = wordClasses == 0 ? silences.size()
                : (int) Math.min(silences.size(), Math.max(1, Math.round(labels.size() / (double) wordClasses)));
        int[] order = HeadTrainer.identity(silences.size());
        HeadTrainer.shuffle(order, random);
        int[] chosen = Arrays.copyOf(order, silenceCount);
        Arrays.sort(chosen);
        for (int i : chosen) {
            pooled.add(silences.get(i));
            labels.add(classes.id(KeywordClasses.SILENCE));
        }
        return new Examples(pooled.toArray(float[][]::new), labels.stream().mapToInt(Integer::intValue).toArray(),
                silences.size());
    }

    /** The frames {@code [from, to)} whose centres, at {@code (t + 0.5) / rate} seconds, lie inside the segment. */
    static int[] frames(PhoneSegment segment, double frameRateHz, int frames) {
        int from = (int) Math.max(0, Math.ceil(segment.start() * frameRateHz - 0.5));
        int to = (int) Math.min(frames, Math.ceil(segment.end() * frameRateHz - 0.5));
        return new int[] {Math.min(from, to), to};
    }
}
