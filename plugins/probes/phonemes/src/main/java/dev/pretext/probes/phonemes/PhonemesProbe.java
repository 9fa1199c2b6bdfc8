package dev.pretext.probes.phonemes;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
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
import dev.pretext.probes.support.Ctc;
import dev.pretext.probes.support.EditDistance;
import dev.pretext.probes.support.HeadTrainer;
import dev.pretext.probes.support.LayerBatches;
import dev.pretext.probes.support.LayerStandardiser;
import dev.pretext.probes.support.WeightedLayerSum;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Phone recognition, SUPERB's PR: a softmax-weighted sum of the frozen layers (each unit standardised on the
 * training frames) feeds a linear (or one-hidden-layer) head over the CTC blank and the phones seen in training,
 * trained with CTC and Adam on CPU. Only the phone order of an alignment is used, not its times.
 *
 * <p>Headline metric: phone error rate. Each test utterance is decoded greedily (the best class per frame, runs
 * merged, blanks dropped) and compared with the alignment's phones by edit distance, silence left out of both (see
 * {@link PhoneSequences#SILENCE}); PER = total edits / total reference phones.
 */
public final class PhonemesProbe implements Probe {
    private static final int BLANK = 0;

    private final PhonemesConfig config;
    /** Where the head's arrays live: the run's device; the probe's inputs are host arrays copied there. */
    private final Device device;

    /** A probe whose head trains on the CPU (tests, tools). */
    public PhonemesProbe(PhonemesConfig config) {
        this(config, Device.cpu());
    }

    /** The probe of a run: its head trains on the run's device. */
    @Inject
    public PhonemesProbe(PhonemesConfig config, RunContext context) {
        this(config, context.device());
    }

    private PhonemesProbe(PhonemesConfig config, Device device) {
        this.config = config;
        this.device = device;
    }

    @Override
    public Optional<String> unusable(Utterance utterance) {
        if (!utterance.hasPhones()) {
            return Optional.of("no phone alignment");
        }
        if (PhoneSequences.reference(utterance.phones()).isEmpty()) {
            return Optional.of("the phone alignment holds only silence");
        }
        return Optional.empty();
    }

    @Override
    public ProbeResult run(ProbeInput input) {
        int layers = input.layers();
        int dim = input.dim();
        List<ProbeExample> trainExamples = input.train();
        checkExamples(trainExamples);
        checkExamples(input.test());

        Map<String, Integer> classes = classes(trainExamples);
        String[] classNames = new String[classes.size() + 1];
        classNames[BLANK] = "<blank>";
        classes.forEach((phone, id) -> classNames[id] = phone);

        LayerStandardiser standardiser = LayerStandardiser.fit(
                trainExamples.stream().map(ProbeExample::representation).toList());
        float[][] train = new float[trainExamples.size()][];
        int[] frames = new int[train.length];
        int[][] targets = new int[train.length][];
        for (int i = 0; i < train.length; i++) {
            LayerStack stack = trainExamples.get(i).representation();
            train[i] = standardiser.standardise(stack);
            frames[i] = stack.frames();
            targets[i] = PhoneSequences.reference(trainExamples.get(i).utterance().phones()).stream()
                    .mapToInt(classes::get).toArray();
        }

        try (NDManager manager = NDManager.newBaseManager(device)) {
            WeightedLayerSum mixture = new WeightedLayerSum(layers);
            SequentialBlock model = new SequentialBlock().add(mixture);
            if (config.hidden() > 0) {
                model.add(Linear.builder().setUnits(config.hidden()).build()).add(Activation::relu);
            }
            model.add(Linear.builder().setUnits(classNames.length).build());
            HeadTrainer.initialise(model, manager, input.seed(), new Shape(layers, 1, 1, dim));

            double lastEpochLoss = HeadTrainer.train(model, manager, train.length,
                    new HeadTrainer.Settings(config.epochs(), config.batchSize(), config.lr()), input.seed(),
                    (parameters, step, batch) -> {
                        NDArray x = LayerBatches.sequences(step, train, frames, batch, layers, dim);
                        NDArray logits = model.forward(parameters, new NDList(x), true).singletonOrThrow();
                        int[][] batchTargets = new int[batch.length][];
                        for (int i = 0; i < batch.length; i++) {
                            batchTargets[i] = targets[batch[i]];
                        }
                        NDArray sum = Ctc.loss(logits, LayerBatches.lengths(frames, batch), batchTargets, BLANK);
                        return sum.div(step.create((float) batch.length));
                    });

            int infeasible = 0;
            for (int i = 0; i < train.length; i++) {
                // CTC needs a frame per label, and one more between two equal labels.
                infeasible += Ctc.minimumFrames(targets[i]) > frames[i] ? 1 : 0;
            }

            long edits = 0;
            long referencePhones = 0;
            long unseenPhones = 0;
            ParameterStore parameters = new ParameterStore(manager, false);
            for (ProbeExample example : input.test()) {
                LayerStack stack = example.representation();
                long[] best;
                try (NDManager utterance = manager.newSubManager()) {
                    NDArray x = utterance.create(standardiser.standardise(stack),
                            new Shape(layers, 1, stack.frames(), dim));
                    best = model.forward(parameters, new NDList(x), false).singletonOrThrow().argMax(2)
                            .toLongArray();
                }
                List<String> hypothesis = new ArrayList<>();
                for (int id : Ctc.greedyDecode(best, BLANK)) {
                    hypothesis.add(classNames[id]);
                }
                List<String> reference = PhoneSequences.reference(example.utterance().phones());
                edits += EditDistance.between(hypothesis, reference);
                referencePhones += reference.size();
                unseenPhones += reference.stream().filter(phone -> !classes.containsKey(phone)).count();
            }
            return new ProbeResult("per", edits / (double) referencePhones, false, mixture.weights(), Map.of(
                    "classes", (double) classes.size(),
                    "epochs", (double) config.epochs(),
                    "train_utterances", (double) train.length,
                    "test_utterances", (double) input.test().size(),
                    "test_phones", (double) referencePhones,
                    "unseen_test_phones", (double) unseenPhones,
                    "too_short_train_utterances", (double) infeasible,
                    "final_train_loss", lastEpochLoss));
        }
    }

    /** Class ids 1, 2, ... in sorted phone order (0 is the blank), so that the same data gives the same ids. */
    private static Map<String, Integer> classes(List<ProbeExample> train) {
        TreeMap<String, Integer> classes = new TreeMap<>();
        for (ProbeExample example : train) {
            for (String phone : PhoneSequences.reference(example.utterance().phones())) {
                classes.put(phone, 0);
            }
        }
        int id = BLANK + 1;
        for (Map.Entry<String, Integer> entry : classes.entrySet()) {
            entry.setValue(id++);
        }
        return classes;
    }

    private void checkExamples(List<ProbeExample> examples) {
        for (ProbeExample example : examples) {
            String id = example.utterance().id();
            Optional<String> why = unusable(example.utterance());
            if (why.isPresent()) {
                throw new IllegalArgumentException("utterance '" + id + "' cannot be used (" + why.get()
                        + "); the core should have dropped it");
            }
            if (example.representation().frames() == 0) {
                throw new IllegalArgumentException("utterance '" + id + "' has no frames to recognise: drop it or "
                        + "check the frontend on it");
            }
        }
    }
}
