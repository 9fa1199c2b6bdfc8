package dev.pretext.probes.asr;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
import jakarta.inject.Inject;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Speech recognition, SUPERB's ASR at probe scale: characters (letters, apostrophe, word boundary) with CTC from a
 * small convolutional head (see {@link ConvolutionalHead}) on the softmax-weighted sum of the frozen layers, each unit
 * standardised on the training frames; Adam on CPU; no language model.
 *
 * <p>Headline metric: word error rate of greedy decoding (best class per frame, runs merged, blanks dropped) against
 * the normalised transcript; the character error rate (spaces included) is in the details.
 */
public final class AsrProbe implements Probe {
    private final AsrConfig config;
    /** Where the head's arrays live: the run's device; the probe's inputs are host arrays copied there. */
    private final Device device;

    /** A probe whose head trains on the CPU (tests, tools). */
    public AsrProbe(AsrConfig config) {
        this(config, Device.cpu());
    }

    /** The probe of a run: its head trains on the run's device. */
    @Inject
    public AsrProbe(AsrConfig config, RunContext context) {
        this(config, context.device());
    }

    private AsrProbe(AsrConfig config, Device device) {
        this.config = config;
        this.device = device;
    }

    @Override
    public Optional<String> unusable(Utterance utterance) {
        return Characters.normalise(utterance.text()).problemIfAny();
    }

    @Override
    public ProbeResult run(ProbeInput input) {
        int layers = input.layers();
        int dim = input.dim();
        List<ProbeExample> trainExamples = input.train();
        String[] trainTexts = transcripts(trainExamples);
        String[] testTexts = transcripts(input.test());

        LayerStandardiser standardiser = LayerStandardiser.fit(
                trainExamples.stream().map(ProbeExample::representation).toList());
        float[][] train = new float[trainExamples.size()][];
        int[] frames = new int[train.length];
        int[][] targets = new int[train.length][];
        int tooShort = 0;
        for (int i = 0; i < train.length; i++) {
            LayerStack stack = trainExamples.get(i).representation();
            train[i] = standardiser.standardise(stack);
            frames[i] = stack.frames();
            targets[i] = Characters.encode(trainTexts[i]);
            // CTC needs a frame per character, and one more between two equal ones.
            tooShort += Ctc.minimumFrames(targets[i]) > frames[i] ? 1 : 0;
        }

        try (NDManager manager = NDManager.newBaseManager(device)) {
            ConvolutionalHead model = new ConvolutionalHead(layers, config.channels(), config.kernel(),
                    Characters.CLASSES);
            HeadTrainer.initialise(model, manager, input.seed(), new Shape(layers, 1, 1, dim), new Shape(1, 1, 1));

            double lastEpochLoss = HeadTrainer.train(model, manager, train.length,
                    new HeadTrainer.Settings(config.epochs(), config.batchSize(), config.lr()), input.seed(),
                    (parameters, step, batch) -> {
                        NDArray x = LayerBatches.sequences(step, train, frames, batch, layers, dim);
                        int[] lengths = LayerBatches.lengths(frames, batch);
                        NDArray logits = model.forward(parameters, new NDList(x, mask(step, lengths)), true)
                                .singletonOrThrow();
                        int[][] batchTargets = new int[batch.length][];
                        for (int i = 0; i < batch.length; i++) {
                            batchTargets[i] = targets[batch[i]];
                        }
                        NDArray sum = Ctc.loss(logits, lengths, batchTargets, Characters.BLANK);
                        return sum.div(step.create((float) batch.length));
                    });

            long wordEdits = 0;
            long referenceWords = 0;
            long characterEdits = 0;
            long referenceCharacters = 0;
            ParameterStore parameters = new ParameterStore(manager, false);
            for (int i = 0; i < testTexts.length; i++) {
                LayerStack stack = input.test().get(i).representation();
                long[] best;
                try (NDManager utterance = manager.newSubManager()) {
                    NDArray x = utterance.create(standardiser.standardise(stack),
                            new Shape(layers, 1, stack.frames(), dim));
                    NDArray mask = mask(utterance, new int[] {stack.frames()});
                    best = model.forward(parameters, new NDList(x, mask), false).singletonOrThrow().argMax(2)
                            .toLongArray();
                }
                String hypothesis = Characters.decode(Ctc.greedyDecode(best, Characters.BLANK));
                wordEdits += EditDistance.between(Characters.words(hypothesis), Characters.words(testTexts[i]));
                referenceWords += Characters.words(testTexts[i]).size();
                characterEdits += EditDistance.between(Characters.characters(hypothesis),
                        Characters.characters(testTexts[i]));
                referenceCharacters += testTexts[i].length();
            }
            return new ProbeResult("wer", wordEdits / (double) referenceWords, false, model.mixture().weights(),
                    Map.of("cer", characterEdits / (double) referenceCharacters,
                            "epochs", (double) config.epochs(),
                            "train_utterances", (double) train.length,
                            "test_utterances", (double) testTexts.length,
                            "test_words", (double) referenceWords,
                            "test_characters", (double) referenceCharacters,
                            "too_short_train_utterances", (double) tooShort,
                            "final_train_loss", lastEpochLoss));
        }
    }

    /** [B, maxFrames, 1]: 1 on each utterance's real frames, 0 on padding. */
    private static NDArray mask(NDManager manager, int[] lengths) {
        int maxFrames = 0;
        for (int length : lengths) {
            maxFrames = Math.max(maxFrames, length);
        }
        float[] values = new float[lengths.length * maxFrames];
        for (int b = 0; b < lengths.length; b++) {
            Arrays.fill(values, b * maxFrames, b * maxFrames + lengths[b], 1f);
        }
        return manager.create(values, new Shape(lengths.length, maxFrames, 1));
    }

    private String[] transcripts(List<ProbeExample> examples) {
        String[] out = new String[examples.size()];
        for (int i = 0; i < out.length; i++) {
            Utterance utterance = examples.get(i).utterance();
            Characters.Result text = Characters.normalise(utterance.text());
            if (text.problem() != null) {
                throw new IllegalArgumentException("utterance '" + utterance.id() + "' cannot be used ("
                        + text.problem() + "); the core should have dropped it");
            }
            if (examples.get(i).representation().frames() == 0) {
                throw new IllegalArgumentException("utterance '" + utterance.id() + "' has no frames to recognise: "
                        + "drop it or check the frontend on it");
            }
            out[i] = text.text();
        }
        return out;
    }
}
