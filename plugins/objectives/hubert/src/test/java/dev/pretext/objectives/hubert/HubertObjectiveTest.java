package dev.pretext.objectives.hubert;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.audio.Features;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.model.EncoderCall;
import dev.pretext.api.model.EncoderOutput;
import dev.pretext.api.model.ObjectiveResult;
import dev.pretext.api.model.TrainingBatch;
import dev.pretext.architectures.transformer.TransformerConfig;
import dev.pretext.architectures.transformer.TransformerEncoder;
import dev.pretext.datasets.tts.TtsDataset;
import dev.pretext.objectives.hubert.targets.Mfcc;
import dev.pretext.objectives.hubert.targets.TargetSettings;
import dev.pretext.objectives.hubert.targets.TargetsBuilder;
import dev.pretext.testkit.ObjectiveContract;
import dev.pretext.testkit.RecordingMeter;
import dev.pretext.testkit.SpectralBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hubert objective's own behaviour: label slicing, masking, bad targets, and learning on real speech. */
class HubertObjectiveTest {
    private static final FeatureSpec MFCC = new FeatureSpec(Mfcc.DIM, 100);

    @TempDir
    Path temp;
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static Utterance utterance(String id, double seconds) {
        return new Utterance(id, Path.of(id + ".wav"), seconds, null, null, null);
    }

    /** A batch of zeros whose rows start at {@code starts} into utterances a, b, ... */
    private TrainingBatch emptyBatch(NDManager step, int dim, int frames, int[] lengths, double[] starts) {
        List<Utterance> utterances = new ArrayList<>();
        float[] valid = new float[lengths.length * frames];
        for (int b = 0; b < lengths.length; b++) {
            utterances.add(utterance(String.valueOf((char) ('a' + b)), 10));
            for (int t = 0; t < lengths[b]; t++) {
                valid[b * frames + t] = 1;
            }
        }
        return new TrainingBatch(step.zeros(new Shape(lengths.length, frames, dim)),
                step.create(valid, new Shape(lengths.length, frames)), lengths, utterances, step,
                new SplittableRandom(1), starts);
    }

    private Path countingTargets(String name, double rate, int clusters, int labels) throws Exception {
        Map<String, int[]> map = new LinkedHashMap<>();
        map.put("a", TargetFolders.counting(labels, clusters));
        map.put("b", TargetFolders.counting(labels, clusters));
        return TargetFolders.write(temp.resolve(name), rate, clusters, map);
    }

    @Test
    void labelsAreSlicedFromEachRowsStartAtTheFrontendsRate() throws Exception {
        // 10 s of labels that name their own index (mod 1000)
        Path at100 = countingTargets("t100", 100, 1000, 1000);
        Path at50 = countingTargets("t50", 50, 1000, 500);
        int[] lengths = {30, 20};
        double[] starts = {0.0, 0.537};
        try (NDManager step = manager.newSubManager()) {
            // same rate: label 54 + t for the cropped row (0.537 s -> label 53.7, rounded)
            HubertObjective same = new HubertObjective(HubertConfig.of(at100.toString()), new FeatureSpec(8, 100));
            int[] t = same.targetsFor(emptyBatch(step, 8, 30, lengths, starts), lengths, 30);
            for (int i = 0; i < 30; i++) {
                assertEquals(i, t[i]);
                assertEquals(i < 20 ? 54 + i : -1, t[30 + i], "row 1 frame " + i);
            }
            // 100 Hz labels for a 50 Hz frontend: every other label
            HubertObjective down = new HubertObjective(HubertConfig.of(at100.toString()), new FeatureSpec(8, 50));
            t = down.targetsFor(emptyBatch(step, 8, 30, lengths, starts), lengths, 30);
            for (int i = 0; i < 20; i++) {
                assertEquals(2 * i, t[i]);
                assertEquals(54 + 2 * i, t[30 + i], "row 1 frame " + i);
            }
            // 50 Hz labels for a 100 Hz frontend: each label twice (frame 54 + i of the utterance)
            HubertObjective up = new HubertObjective(HubertConfig.of(at50.toString()), new FeatureSpec(8, 100));
            t = up.targetsFor(emptyBatch(step, 8, 30, lengths, starts), lengths, 30);
            for (int i = 0; i < 20; i++) {
                assertEquals(i / 2, t[i]);
                assertEquals((54 + i) / 2, t[30 + i], "row 1 frame " + i);
            }
            // frames past the last label are left out
            HubertObjective late = new HubertObjective(HubertConfig.of(at100.toString()), new FeatureSpec(8, 100));
            t = late.targetsFor(emptyBatch(step, 8, 30, lengths, new double[]{9.85, 0}), lengths, 30);
            assertEquals(999, t[14]);
            assertEquals(-1, t[15]);
        }
    }

    @Test
    void badTargetsAreClearErrorsBeforeTraining() throws Exception {
        // A missing folder is not an error when the run is put together: the preparation makes it before
        // training. Asking for the targets without it is.
        HubertObjective unprepared = new HubertObjective(HubertConfig.of(temp.resolve("missing").toString()), MFCC);
        assertFalse(unprepared.preparation().orElseThrow().done());
        assertTrue(unprepared.preparation().orElseThrow().describe().contains("100 k-means targets"),
                unprepared.preparation().orElseThrow().describe());
        assertMessage("targets folder " + temp.resolve("missing") + " does not exist; make it with `pretext targets",
                unprepared::targets);

        Path folder = countingTargets("t", 100, 20, 500);
        assertMessage("labels at 100 Hz cannot feed a frontend at 30 Hz: the rates must differ by an integer factor",
                () -> new HubertObjective(HubertConfig.of(folder.toString()), new FeatureSpec(8, 30)));
        assertMessage("clusters is 50 but the targets in " + folder + " have 20 clusters",
                () -> new HubertObjective(new HubertConfig(folder.toString(), 50, null, null, null, null, null), MFCC));

        Path wide = TargetFolders.write(temp.resolve("wide"), 100, 4, Map.of("a", new int[]{0, 1, 7}));
        assertMessage("utterance a has label 7 in " + wide + " but targets.json says there are 4 clusters",
                () -> new HubertObjective(HubertConfig.of(wide.toString()), MFCC));

        // 5 s of labels for a and b
        HubertObjective objective = new HubertObjective(HubertConfig.of(folder.toString()), MFCC);
        List<Utterance> training = new ArrayList<>(List.of(utterance("a", 5.0), utterance("b", 5.01)));
        objective.checkData(training);
        for (int i = 0; i < 7; i++) {
            training.add(utterance("x" + i, 3));
        }
        assertMessage("7 of 9 training utterances have no labels in " + folder + ", e.g. x0, x1, x2, x3, x4; make "
                + "the targets from this recipe's training data", () -> objective.checkData(training));
        assertMessage("utterance b lasts 5.1 s (510 frames at 100.0 Hz) but its 500 labels in " + folder
                        + " cover 500 frames",
                () -> objective.checkData(List.of(utterance("a", 5.0), utterance("b", 5.1))));
        // at 50 Hz the same labels cover 250 frames: 5.04 s is 252 frames, within the slack
        new HubertObjective(HubertConfig.of(folder.toString()), new FeatureSpec(8, 50))
                .checkData(List.of(utterance("a", 5.04)));

        // An unfinished folder (targets.json is written last) is made again by the preparation.
        Files.delete(folder.resolve("targets.json"));
        HubertObjective unfinished = new HubertObjective(HubertConfig.of(folder.toString()), MFCC);
        assertFalse(unfinished.preparation().orElseThrow().done());
        assertMessage("targets folder " + folder + " has no targets.json", unfinished::targets);
    }

    @Test
    void anUnlabelledUtteranceInABatchIsNamed() throws Exception {
        Path folder = countingTargets("t", 100, 20, 500);
        HubertObjective objective = new HubertObjective(HubertConfig.of(folder.toString()), MFCC);
        try (NDManager step = manager.newSubManager()) {
            TrainingBatch batch = emptyBatch(step, 39, 10, new int[]{10, 10, 10}, new double[3]);
            assertMessage("utterance c has no labels in " + folder,
                    () -> objective.targetsFor(batch, batch.lengths(), 10));
        }
    }

    @Test
    void maskedFramesCarryTheMaskEmbeddingAndTheRestIsUntouched() throws Exception {
        Path folder = countingTargets("t", 100, 20, 500);
        HubertObjective objective = new HubertObjective(HubertConfig.of(folder.toString()), new FeatureSpec(8, 100));
        Engine.getInstance().setRandomSeed(3);
        TransformerEncoder encoder = new TransformerEncoder(TransformerConfig.shape(1, 16, 2, 32), new FeatureSpec(8, 100));
        encoder.initialize(manager, new FeatureSpec(8, 100));
        objective.initialize(manager, ObjectiveContract.shape(new FeatureSpec(8, 100), new FeatureSpec(8, 100), encoder));
        ParameterStore ps = new ParameterStore(manager, false);
        float[] embedding = objective.block().getParameters().get("maskEmbedding").getArray().toFloatArray();
        int[] lengths = {200, 120};
        float[][] seen = new float[1][];
        try (NDManager step = manager.newSubManager()) {
            TrainingBatch batch = emptyBatch(step, 8, 200, lengths, new double[2]);
            NDArray ones = step.ones(new Shape(2, 200, 8)).mul(batch.valid().reshape(2, 200, 1));
            batch = new TrainingBatch(ones, batch.valid(), lengths, batch.utterances(), step, new SplittableRandom(4),
                    batch.startSeconds());
            EncoderCall spy = new EncoderCall() {
                @Override
                public EncoderOutput apply(NDArray f, NDArray v) {
                    seen[0] = f.toFloatArray();
                    return encoder.forward(ps, f, v, false);
                }
            };
            ObjectiveResult r = objective.forward(batch, spy, ps, new RecordingMeter(), false);
            float share = r.metrics().get("masked_frames").getFloat();
            // p = 0.8, span 20 at 100 Hz, overlapping spans: about 1 - e^-0.8 = 0.55 of the frames
            assertTrue(share > 0.35 && share < 0.75, "masked share " + share);
        }
        int masked = 0;
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 200; t++) {
                int at = (b * 200 + t) * 8;
                if (t >= lengths[b]) {
                    for (int d = 0; d < 8; d++) {
                        assertEquals(0f, seen[0][at + d], "padding changed");
                    }
                    continue;
                }
                boolean isMask = seen[0][at] == embedding[0];
                masked += isMask ? 1 : 0;
                for (int d = 0; d < 8; d++) {
                    assertEquals(isMask ? embedding[d] : 1f, seen[0][at + d], 1e-7f, "row " + b + " frame " + t);
                }
            }
        }
        assertTrue(masked > 100, "masked " + masked);
    }

    /** MFCC of short tts utterances, normalised per dimension, with k-means targets made by the targets stage. */
    @Test
    void learnsMfccTargetsOfRealSpeech() throws Exception {
        TtsDataset data = Speech.corpus();
        List<Utterance> all = data.utterances();
        TargetSettings settings = TargetSettings.defaults(3).withClusters(20).withIterations(5).withThreads(2);
        TargetsBuilder.build(all.subList(0, 24), data::audio, settings, temp.resolve("speech"), s -> { });
        List<Utterance> rows = new ArrayList<>();
        for (Utterance u : all.subList(0, 24)) {
            if (u.seconds() < 2.5 && rows.size() < 4) {
                rows.add(u);
            }
        }
        Mfcc mfcc = new Mfcc();
        int[] lengths = new int[rows.size()];
        List<Features> feats = new ArrayList<>();
        int frames = 0;
        for (int b = 0; b < rows.size(); b++) {
            Features f = mfcc.compute(data.audio(rows.get(b)));
            feats.add(f);
            lengths[b] = f.frames();
            frames = Math.max(frames, f.frames());
        }
        float[] x = new float[rows.size() * frames * Mfcc.DIM];
        float[] valid = new float[rows.size() * frames];
        for (int b = 0; b < rows.size(); b++) {
            System.arraycopy(feats.get(b).data(), 0, x, b * frames * Mfcc.DIM, feats.get(b).data().length);
            for (int t = 0; t < lengths[b]; t++) {
                valid[b * frames + t] = 1;
            }
        }
        SpectralBatch.normalise(x, lengths, frames, Mfcc.DIM);

        HubertObjective objective = new HubertObjective(
                new HubertConfig(temp.resolve("speech").toString(), 20, null, null, null, 64, null), MFCC);
        objective.checkData(all.subList(0, 24));
        Engine.getInstance().setRandomSeed(5);
        TransformerEncoder encoder = new TransformerEncoder(TransformerConfig.shape(2, 64, 4, 128), MFCC);
        encoder.initialize(manager, MFCC);
        objective.initialize(manager, ObjectiveContract.shape(MFCC, MFCC, encoder));
        List<Parameter> trainable = new ArrayList<>(encoder.block().getParameters().values());
        trainable.addAll(objective.block().getParameters().values());
        ParameterStore ps = new ParameterStore(manager, false);
        Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(2e-3f)).build();
        float firstLoss = 0;
        float lastLoss = 0;
        float lastAccuracy = 0;
        int steps = 60;
        RecordingMeter meter = new RecordingMeter();
        for (int i = 0; i < steps; i++) {
            try (NDManager step = manager.newSubManager()) {
                TrainingBatch batch = new TrainingBatch(step.create(x, new Shape(rows.size(), frames, Mfcc.DIM)),
                        step.create(valid, new Shape(rows.size(), frames)), lengths, rows, step,
                        new SplittableRandom(8));
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    ObjectiveResult r = objective.forward(batch, (f, v) -> encoder.forward(ps, f, v, true), ps,
                            meter, true);
                    lastLoss = r.loss().getFloat();
                    lastAccuracy = r.metrics().get("masked_accuracy").getFloat();
                    collector.backward(r.loss());
                }
                for (Parameter p : trainable) {
                    NDArray grad = p.getArray().getGradient();
                    adam.update(p.getId(), p.getArray(), grad);
                    grad.subi(grad);
                    grad.close();
                }
            }
            assertTrue(Float.isFinite(lastLoss), "loss " + lastLoss + " at step " + i);
            firstLoss = i == 0 ? lastLoss : firstLoss;
        }
        System.err.printf("hubert on %d tts utterances (MFCC k=20 targets): loss %.3f -> %.3f, masked accuracy %.3f "
                + "after %d steps on one batch%n", rows.size(), firstLoss, lastLoss, lastAccuracy, steps);
        assertTrue(firstLoss > 2 && firstLoss < 4.5, "first loss " + firstLoss + " (ln 20 = 3.0)");
        assertTrue(lastLoss < 0.5 * firstLoss, "loss " + firstLoss + " -> " + lastLoss);
        assertTrue(lastAccuracy > 0.5, "masked accuracy " + lastAccuracy);
        Map<String, Double> head = meter.entries().get(0).forward().forward();
        double n = (double) rows.size() * frames;
        assertEquals(2 * n * 64 * 64 + n * 64, head.get("objective.hubert.projection"));
        assertEquals(4 * n * 64 + 4 * 20 * 64 + 2 * n * 64 * 20 + n * 20, head.get("objective.hubert.similarity"));
    }

    @Test
    void theUnmaskedWeightAddsTheLossOfUnmaskedFrames() throws Exception {
        Path folder = countingTargets("t", 100, 20, 500);
        float[] losses = new float[2];
        for (int i = 0; i < 2; i++) {
            HubertObjective objective = new HubertObjective(new HubertConfig(folder.toString(), null, null, null,
                    i == 0 ? 0.0 : 1.0, null, null), new FeatureSpec(8, 100));
            Engine.getInstance().setRandomSeed(3);
            TransformerEncoder encoder = new TransformerEncoder(TransformerConfig.shape(1, 16, 2, 32),
                    new FeatureSpec(8, 100));
            encoder.initialize(manager, new FeatureSpec(8, 100));
            objective.initialize(manager, ObjectiveContract.shape(new FeatureSpec(8, 100), new FeatureSpec(8, 100), encoder));
            ParameterStore ps = new ParameterStore(manager, false);
            try (NDManager step = manager.newSubManager()) {
                TrainingBatch batch = emptyBatch(step, 8, 100, new int[]{100, 60}, new double[2]);
                losses[i] = objective.forward(batch, (f, v) -> encoder.forward(ps, f, v, false), ps,
                        new RecordingMeter(), false).loss().getFloat();
            }
        }
        // same weights and masks: the second adds about one more cross-entropy (~ln 20)
        assertTrue(losses[1] > losses[0] + 1.5, losses[0] + " vs " + losses[1]);
    }

    private static void assertMessage(String start, org.junit.jupiter.api.function.Executable run) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
