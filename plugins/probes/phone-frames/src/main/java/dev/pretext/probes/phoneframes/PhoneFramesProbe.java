package dev.pretext.probes.phoneframes;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
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
import dev.pretext.probes.support.LayerStandardiser;
import dev.pretext.probes.support.WeightedLayerSum;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Frame-wise phone classification, as TERA and Mockingjay measured their representations: a softmax-weighted sum
 * of the frozen layers (each unit standardised on the training frames) feeds a linear (or one-hidden-layer)
 * softmax head that names the phone of every frame, trained with cross-entropy and Adam (cosine-decayed, on
 * mini-batches of frames drawn across utterances) until it has converged, on CPU. Labels come from
 * the alignment's times (see {@link FrameLabels}); silence is neither trained on nor scored.
 *
 * <p>Why beside the CTC probe: with a linear head the loss is convex in the head's weights for a fixed mixture,
 * so the result hardly depends on the head's seed, and every speech frame is a labelled example. The CTC probe
 * must first leave the all-blank plateau, which on a few hundred utterances it does under some seeds and not
 * others; its PER then moves by 0.1 between probe seeds, more than most differences between upstreams.
 *
 * <p>Headline metric: accuracy over the test utterances' speech frames (phones no training frame had count as
 * wrong).
 */
public final class PhoneFramesProbe implements Probe {
    private final PhoneFramesConfig config;
    /** Where the head's arrays live: the run's device; the probe's inputs are host arrays copied there. */
    private final Device device;

    /** A probe whose head trains on the CPU (tests, tools). */
    public PhoneFramesProbe(PhoneFramesConfig config) {
        this(config, Device.cpu());
    }

    /** The probe of a run: its head trains on the run's device. */
    @Inject
    public PhoneFramesProbe(PhoneFramesConfig config, RunContext context) {
        this(config, context.device());
    }

    private PhoneFramesProbe(PhoneFramesConfig config, Device device) {
        this.config = config;
        this.device = device;
    }

    @Override
    public Optional<String> unusable(Utterance utterance) {
        if (!utterance.hasPhones()) {
            return Optional.of("no phone alignment");
        }
        if (utterance.phones().stream().allMatch(p -> FrameLabels.SILENCE.equals(p.phone()))) {
            return Optional.of("the phone alignment holds only silence");
        }
        return Optional.empty();
    }

    @Override
    public ProbeResult run(ProbeInput input) {
        int layers = input.layers();
        int dim = input.dim();
        List<ProbeExample> trainExamples = input.train();
        check(trainExamples);
        check(input.test());

        Map<String, Integer> classes = classes(trainExamples);
        LayerStandardiser standardiser = LayerStandardiser.fit(
                trainExamples.stream().map(ProbeExample::representation).toList());
        // Frames are the examples: the head sees one frame at a time, so batches drawn across utterances give the
        // optimiser independent frames, and all of them live in one layer-major [layers, frames, dim] array that
        // every step gathers its batch from (no copy of whole utterances per step).
        int[][] labels = new int[trainExamples.size()][];
        int trainFrames = 0;
        for (int i = 0; i < labels.length; i++) {
            LayerStack stack = trainExamples.get(i).representation();
            labels[i] = FrameLabels.of(trainExamples.get(i).utterance().phones(), stack.frames(),
                    input.frameRateHz(), classes);
            for (int label : labels[i]) {
                trainFrames += label >= 0 ? 1 : 0;
            }
        }
        if (trainFrames == 0) {
            throw new IllegalArgumentException("no training frame falls on a phone: the alignments' times do not "
                    + "cover the representations (frame rate " + input.frameRateHz() + " Hz)");
        }
        if ((long) trainFrames * layers * dim > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(trainFrames + " training frames x " + layers + " layers x " + dim
                    + " units do not fit one array; give data.probe fewer minutes");
        }
        float[] resident = new float[trainFrames * layers * dim];
        int[] frameLabels = new int[trainFrames];
        int next = 0;
        for (int i = 0; i < labels.length; i++) {
            LayerStack stack = trainExamples.get(i).representation();
            for (int t = 0; t < labels[i].length; t++) {
                if (labels[i][t] < 0) {
                    continue;
                }
                for (int l = 0; l < layers; l++) {
                    standardiser.copyFrame(stack, l, t, resident, (l * trainFrames + next) * dim);
                }
                frameLabels[next++] = labels[i][t];
            }
        }
        int classCount = classes.size();

        try (NDManager manager = NDManager.newBaseManager(device)) {
            NDArray frames = manager.create(resident, new Shape(layers, trainFrames, dim));
            resident = null; // the Java copy is no longer needed; the array above holds the frames
            WeightedLayerSum mixture = new WeightedLayerSum(layers);
            SequentialBlock model = new SequentialBlock().add(mixture);
            if (config.hidden() > 0) {
                model.add(Linear.builder().setUnits(config.hidden()).build()).add(Activation::relu);
            }
            model.add(Linear.builder().setUnits(classCount).build());
            HeadTrainer.initialise(model, manager, input.seed(), new Shape(layers, 1, dim));

            double lastEpochLoss = HeadTrainer.train(model, manager, trainFrames,
                    new HeadTrainer.Settings(config.epochs(), config.batchFrames(), config.lr(), true), input.seed(),
                    (parameters, step, batch) -> {
                        long[] index = new long[batch.length];
                        float[] target = new float[batch.length * classCount];
                        for (int b = 0; b < batch.length; b++) {
                            index[b] = batch[b];
                            target[b * classCount + frameLabels[batch[b]]] = 1f;
                        }
                        NDArray x = frames.get(new NDIndex(":, {}", step.create(index)));
                        x.attach(step);
                        NDArray logits = model.forward(parameters, new NDList(x), true).singletonOrThrow();
                        NDArray oneHot = step.create(target, new Shape(batch.length, classCount));
                        // Mean cross-entropy over the batch's frames.
                        return logits.logSoftmax(1).mul(oneHot).sum().neg()
                                .div(step.create((float) batch.length));
                    });

            long scored = 0;
            long correct = 0;
            long unseen = 0;
            ParameterStore parameters = new ParameterStore(manager, false);
            for (ProbeExample example : input.test()) {
                LayerStack stack = example.representation();
                int[] truth = FrameLabels.of(example.utterance().phones(), stack.frames(), input.frameRateHz(),
                        classes);
                long[] best;
                try (NDManager utterance = manager.newSubManager()) {
                    NDArray x = utterance.create(standardiser.standardise(stack),
                            new Shape(layers, stack.frames(), dim));
                    best = model.forward(parameters, new NDList(x), false).singletonOrThrow().argMax(1)
                            .toLongArray();
                }
                for (int t = 0; t < truth.length; t++) {
                    if (truth[t] == FrameLabels.NONE) {
                        continue;
                    }
                    scored++;
                    unseen += truth[t] == FrameLabels.UNSEEN ? 1 : 0;
                    correct += truth[t] >= 0 && best[t] == truth[t] ? 1 : 0;
                }
            }
            if (scored == 0) {
                throw new IllegalArgumentException("no test frame falls on a phone: the alignments' times do not "
                        + "cover the representations (frame rate " + input.frameRateHz() + " Hz)");
            }
            return new ProbeResult("accuracy", correct / (double) scored, true, mixture.weights(), Map.of(
                    "classes", (double) classCount,
                    "epochs", (double) config.epochs(),
                    "train_utterances", (double) trainExamples.size(),
                    "train_frames", (double) trainFrames,
                    "test_utterances", (double) input.test().size(),
                    "test_frames", (double) scored,
                    "unseen_test_frames", (double) unseen,
                    "final_train_loss", lastEpochLoss));
        }
    }

    /** Class ids 0, 1, ... in sorted phone order over the training alignments, silence left out. */
    private static Map<String, Integer> classes(List<ProbeExample> train) {
        TreeMap<String, Integer> classes = new TreeMap<>();
        for (ProbeExample example : train) {
            for (PhoneSegment phone : example.utterance().phones()) {
                if (!FrameLabels.SILENCE.equals(phone.phone())) {
                    classes.put(phone.phone(), 0);
                }
            }
        }
        int id = 0;
        for (Map.Entry<String, Integer> entry : classes.entrySet()) {
            entry.setValue(id++);
        }
        return classes;
    }

    private void check(List<ProbeExample> examples) {
        for (ProbeExample example : examples) {
            String id = example.utterance().id();
            Optional<String> why = unusable(example.utterance());
            if (why.isPresent()) {
                throw new IllegalArgumentException("utterance '" + id + "' cannot be used (" + why.get()
                        + "); the core should have dropped it");
            }
            if (example.representation().frames() == 0) {
                throw new IllegalArgumentException("utterance '" + id + "' has no frames to classify: drop it or "
                        + "check the frontend on it");
            }
        }
    }
}
