package dev.pretext.probes.phonemes;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Frame-level phone classification, SUPERB-style: a softmax-weighted sum of the frozen layers (each unit
 * standardised on the training frames) feeds a linear (or one-hidden-layer) softmax classifier over the phones
 * seen in training, trained with Adam on CPU.
 *
 * <p>Headline metric: phone error rate. Each test utterance's labelled frames are classified, smoothed by a
 * majority vote over {@code smooth_frames} frames, runs of one phone collapse to one, silence is dropped, and
 * the result is compared with the alignment's phone sequence (silence dropped) by edit distance;
 * PER = total edits / total reference phones. Frames whose centre lies in no phone are
 * neither trained on nor predicted.
 */
public final class PhonemesProbe implements Probe {
    private final PhonemesConfig config;

    @Inject
    public PhonemesProbe(PhonemesConfig config) {
        this.config = config;
    }

    @Override
    public Optional<String> unusable(Utterance utterance) {
        return utterance.hasPhones() ? Optional.empty() : Optional.of("no phone alignment");
    }

    @Override
    public ProbeResult run(ProbeInput input) {
        int layers = input.layers();
        int dim = input.dim();

        List<LayerStack> trainStacks = input.train().stream().map(ProbeExample::representation).toList();
        LayerStandardiser standardiser = LayerStandardiser.fit(trainStacks);

        List<String[]> trainLabels = labels(input.train(), input.frameRateHz());
        Map<String, Integer> classes = classes(trainLabels);
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("no training frame lies inside an aligned phone: check that the "
                    + "alignment times are in seconds and match the representation's frame rate ("
                    + input.frameRateHz() + " Hz)");
        }
        FrameSet training = FrameSet.of(trainLabels, classes);
        String[] classNames = classes.keySet().toArray(String[]::new);

        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Engine.getInstance().setRandomSeed(Long.hashCode(input.seed()));
            WeightedLayerSum mixture = new WeightedLayerSum(layers);
            SequentialBlock model = new SequentialBlock().add(mixture);
            if (config.hidden() > 0) {
                model.add(Linear.builder().setUnits(config.hidden()).build()).add(Activation::relu);
            }
            model.add(Linear.builder().setUnits(classNames.length).build());
            model.initialize(manager, DataType.FLOAT32, new Shape(layers, 1, dim));

            double lastEpochLoss = train(model, manager, input, standardiser, training);

            Evaluation evaluation = evaluate(model, manager, input, standardiser, classes, classNames);
            return new ProbeResult("per", evaluation.per(), false, mixture.weights(), Map.of(
                    "frame_accuracy", evaluation.frameAccuracy(),
                    "classes", (double) classNames.length,
                    "epochs", (double) config.epochs(),
                    "train_frames", (double) training.size(),
                    "test_frames", (double) evaluation.frames(),
                    "unseen_test_frames", (double) evaluation.unseenFrames(),
                    "final_train_loss", lastEpochLoss));
        }
    }

    /**
     * Adam over the labelled training frames. The frames are shuffled once and kept resident, standardised and
     * layer-major, in one native tensor; every epoch visits its contiguous batches in a fresh random order (a
     * batch is then a strided view, not a copy). Returns the mean training loss of the last epoch.
     */
    private double train(SequentialBlock model, NDManager manager, ProbeInput input, LayerStandardiser standardiser,
                         FrameSet training) {
        int frames = training.size();
        int batchFrames = Math.min(config.batchFrames(), frames);
        SplittableRandom random = new SplittableRandom(input.seed());
        int[] frameOrder = identity(frames);
        shuffle(frameOrder, random);
        int[] batchOrder = identity((frames + batchFrames - 1) / batchFrames);
        ParameterStore parameterStore = new ParameterStore(manager, false);
        Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(config.lr().floatValue())).build();
        double lastEpochLoss = Double.NaN;

        try (NDManager data = manager.newSubManager()) {
            NDArray features = residentFrames(data, input, standardiser, training, frameOrder);
            long[] labels = new long[frames];
            for (int i = 0; i < frames; i++) {
                labels[i] = training.label[frameOrder[i]];
            }
            NDArray targets = data.create(labels);

            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                shuffle(batchOrder, random);
                double lossSum = 0;
                for (int batch : batchOrder) {
                    int from = batch * batchFrames;
                    int to = Math.min(frames, from + batchFrames);
                    try (NDManager step = data.newSubManager()) {
                        NDArray x = features.get(new NDIndex(":, {}:{}, :", from, to));
                        NDArray y = targets.get(new NDIndex("{}:{}", from, to));
                        x.attach(step);
                        y.attach(step);
                        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                            NDArray logits = model.forward(parameterStore, new NDList(x), true).singletonOrThrow();
                            NDArray loss = crossEntropy(logits, y);
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
                lastEpochLoss = lossSum / frames;
            }
        }
        return lastEpochLoss;
    }

    /** The training frames in {@code order}, standardised, as one layer-major [layers, frames, dim] tensor. */
    private static NDArray residentFrames(NDManager manager, ProbeInput input, LayerStandardiser standardiser,
                                          FrameSet training, int[] order) {
        int layers = input.layers();
        int dim = input.dim();
        NDArray resident = manager.create(new Shape(layers, order.length, dim), DataType.FLOAT32);
        // One layer at a time, to keep the Java-side staging buffer at 1/layers of the total.
        float[] layer = new float[order.length * dim];
        for (int l = 0; l < layers; l++) {
            for (int i = 0; i < order.length; i++) {
                int frame = order[i];
                LayerStack stack = input.train().get(training.example[frame]).representation();
                standardiser.copyFrame(stack, l, training.time[frame], layer, i * dim);
            }
            try (NDArray values = manager.create(layer, new Shape(order.length, dim))) {
                resident.set(new NDIndex("{}", l), values);
            }
        }
        return resident;
    }

    private static NDArray crossEntropy(NDArray logits, NDArray targets) {
        return logits.logSoftmax(1).gather(targets.reshape(-1, 1), 1).mean().neg();
    }

    private record Evaluation(double per, double frameAccuracy, long frames, long unseenFrames) {
    }

    private Evaluation evaluate(SequentialBlock model, NDManager manager, ProbeInput input,
                                LayerStandardiser standardiser, Map<String, Integer> classes, String[] classNames) {
        ParameterStore parameterStore = new ParameterStore(manager, false);
        long edits = 0;
        long referencePhones = 0;
        long frames = 0;
        long correctFrames = 0;
        long unseenFrames = 0;
        for (ProbeExample example : input.test()) {
            LayerStack stack = example.representation();
            String[] truth = PhoneSequences.framePhones(example.utterance().phones(), stack.frames(),
                    input.frameRateHz());
            int[] labelled = labelledFrames(truth);
            long[] best = new long[0];
            if (labelled.length > 0) {
                try (NDManager utterance = manager.newSubManager()) {
                    NDArray x = utterance.create(standardiser.standardise(stack),
                            new Shape(stack.layers(), stack.frames(), stack.dim()));
                    best = model.forward(parameterStore, new NDList(x), false).singletonOrThrow()
                            .argMax(1).toLongArray();
                }
            }
            List<String> predicted = new ArrayList<>(labelled.length);
            for (int t : labelled) {
                String phone = classNames[(int) best[t]];
                predicted.add(phone);
                if (phone.equals(truth[t])) {
                    correctFrames++;
                }
                if (!classes.containsKey(truth[t])) {
                    unseenFrames++;
                }
            }
            frames += labelled.length;
            List<String> reference = PhoneSequences.reference(example.utterance().phones());
            edits += PhoneSequences.editDistance(
                    PhoneSequences.collapse(PhoneSequences.smooth(predicted, config.smoothFrames())), reference);
            referencePhones += reference.size();
        }
        if (referencePhones == 0) {
            throw new IllegalArgumentException("the test utterances' alignments hold only '"
                    + PhoneSequences.SILENCE + "': there is no phone sequence to score");
        }
        double frameAccuracy = frames == 0 ? 0 : correctFrames / (double) frames;
        return new Evaluation(edits / (double) referencePhones, frameAccuracy, frames, unseenFrames);
    }

    /** Which frames of every training utterance lie in which phone. */
    private static List<String[]> labels(List<ProbeExample> examples, double frameRateHz) {
        List<String[]> out = new ArrayList<>(examples.size());
        for (ProbeExample example : examples) {
            out.add(PhoneSequences.framePhones(example.utterance().phones(), example.representation().frames(),
                    frameRateHz));
        }
        return out;
    }

    /** Class ids in sorted phone order, so that the same data gives the same ids. */
    private static Map<String, Integer> classes(List<String[]> labels) {
        TreeMap<String, Integer> classes = new TreeMap<>();
        for (String[] frames : labels) {
            for (String phone : frames) {
                if (phone != null) {
                    classes.put(phone, 0);
                }
            }
        }
        int id = 0;
        for (Map.Entry<String, Integer> entry : classes.entrySet()) {
            entry.setValue(id++);
        }
        return classes;
    }

    /** The labelled training frames, flattened: example index, frame index and class of each. */
    private static final class FrameSet {
        final int[] example;
        final int[] time;
        final int[] label;

        private FrameSet(int[] example, int[] time, int[] label) {
            this.example = example;
            this.time = time;
            this.label = label;
        }

        static FrameSet of(List<String[]> labels, Map<String, Integer> classes) {
            int n = 0;
            for (String[] frames : labels) {
                n += labelledFrames(frames).length;
            }
            int[] example = new int[n];
            int[] time = new int[n];
            int[] label = new int[n];
            int i = 0;
            for (int e = 0; e < labels.size(); e++) {
                String[] frames = labels.get(e);
                for (int t = 0; t < frames.length; t++) {
                    if (frames[t] != null) {
                        example[i] = e;
                        time[i] = t;
                        label[i] = classes.get(frames[t]);
                        i++;
                    }
                }
            }
            return new FrameSet(example, time, label);
        }

        int size() {
            return example.length;
        }
    }

    private static int[] labelledFrames(String[] frames) {
        int n = 0;
        for (String phone : frames) {
            if (phone != null) {
                n++;
            }
        }
        int[] out = new int[n];
        int i = 0;
        for (int t = 0; t < frames.length; t++) {
            if (frames[t] != null) {
                out[i++] = t;
            }
        }
        return out;
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
