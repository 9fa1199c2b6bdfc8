package dev.pretext.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Dataset;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.model.Encoder;
import dev.pretext.api.model.EncoderCall;
import dev.pretext.api.model.EncoderOutput;
import dev.pretext.api.model.FlopCount;
import dev.pretext.api.model.FlopMeter;
import dev.pretext.api.model.Frontend;
import dev.pretext.api.model.NetworkShape;
import dev.pretext.api.model.Objective;
import dev.pretext.api.model.ObjectiveResult;
import dev.pretext.api.model.TeacherSchedule;
import dev.pretext.api.model.TrainingBatch;
import dev.pretext.core.Console;
import dev.pretext.core.UserError;
import dev.pretext.core.data.BatchPlanner;
import dev.pretext.core.data.FeatureCache;
import dev.pretext.core.data.FeaturePipeline;
import dev.pretext.core.model.UpstreamModel;
import dev.pretext.core.recipe.LoadedRecipe;
import dev.pretext.core.recipe.Recipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training loop with small, real parts: tones as audio, band energies as features, a linear encoder and a
 * linear reconstruction objective on libtorch. Checks how each kind of budget ends a run.
 */
class TrainerTest {
    private static final int BANDS = 8;
    private static final FeatureSpec SPEC = new FeatureSpec(BANDS, 100);

    @TempDir
    Path dir;

    /** Tones of rising pitch and varied length. */
    static class Tones implements Dataset {
        final List<Utterance> utterances = new ArrayList<>();

        Tones() {
            for (int i = 0; i < 24; i++) {
                utterances.add(new Utterance("t" + i, Path.of("t" + i + ".wav"), 0.3 + 0.05 * (i % 7), null, null, null));
            }
        }

        @Override
        public List<Utterance> utterances() {
            return utterances;
        }

        @Override
        public Waveform audio(Utterance u) {
            int i = Integer.parseInt(u.id().substring(1));
            float[] x = new float[(int) Math.round(u.seconds() * Waveform.RATE)];
            for (int k = 0; k < x.length; k++) {
                x[k] = (float) (0.5 * Math.sin(2 * Math.PI * (200 + 40 * i) * k / Waveform.RATE));
            }
            return new Waveform(x, Waveform.RATE);
        }
    }

    /** Mean |x| in BANDS chunks of each 10 ms frame: crude, but a real function of the audio. */
    static final class BandEnergies implements Frontend {
        @Override
        public FeatureSpec spec() {
            return SPEC;
        }

        @Override
        public Features extract(Waveform w) {
            int hop = 160;
            int frames = w.length() / hop;
            float[] out = new float[frames * BANDS];
            for (int t = 0; t < frames; t++) {
                for (int b = 0; b < BANDS; b++) {
                    float s = 0;
                    for (int k = 0; k < hop / BANDS; k++) {
                        s += Math.abs(w.samples()[t * hop + b * (hop / BANDS) + k]);
                    }
                    out[t * BANDS + b] = s;
                }
            }
            return new Features(out, frames, BANDS);
        }

        @Override
        public double flopsPerFrame() {
            return 160;
        }
    }

    static final class LinearEncoder implements Encoder {
        final Linear linear = Linear.builder().setUnits(16).build();

        @Override
        public Block block() {
            return linear;
        }

        @Override
        public void initialize(NDManager manager, FeatureSpec input) {
            linear.initialize(manager, DataType.FLOAT32, new Shape(1, 1, input.dim()));
        }

        @Override
        public int dim() {
            return 16;
        }

        @Override
        public int layers() {
            return 1;
        }

        @Override
        public EncoderOutput forward(ParameterStore ps, NDArray features, NDArray valid, boolean training) {
            NDArray h = linear.forward(ps, new NDList(features), training).head();
            return new EncoderOutput(List.of(features, h), valid);
        }

        @Override
        public FlopCount flops(int batch, int frames) {
            return FlopCount.of("encoder.linear", 2.0 * batch * frames * BANDS * 16);
        }
    }

    static class Reconstruction implements Objective {
        final Linear head = Linear.builder().setUnits(BANDS).build();

        @Override
        public Block block() {
            return head;
        }

        @Override
        public void initialize(NDManager manager, NetworkShape network) {
            head.initialize(manager, DataType.FLOAT32, new Shape(1, 1, network.dim()));
        }

        @Override
        public ObjectiveResult forward(TrainingBatch batch, EncoderCall encoder, ParameterStore ps, FlopMeter meter,
                                       boolean training) {
            EncoderOutput out = encoder.apply(batch.features(), batch.valid());
            NDArray prediction = head.forward(ps, new NDList(out.last()), training).head();
            NDArray mask = batch.valid().expandDims(2);
            NDArray loss = prediction.sub(batch.features()).square().mul(mask).sum()
                    .div(mask.sum().mul(batch.manager().create((float) BANDS)));
            meter.record(FlopCount.of("objective.head", 2.0 * batch.size() * batch.frames() * 16 * BANDS), training);
            return ObjectiveResult.of(loss);
        }
    }

    /** Reconstruction plus a pull towards an EMA teacher of constant decay 0.5 (easy to check by hand). */
    static final class WithTeacher implements Objective {
        final Reconstruction reconstruction = new Reconstruction();

        @Override
        public Block block() {
            return reconstruction.block();
        }

        @Override
        public void initialize(NDManager manager, NetworkShape network) {
            reconstruction.initialize(manager, network);
        }

        @Override
        public Optional<TeacherSchedule> teacher() {
            return Optional.of(new TeacherSchedule(0.5, 0.5, 0.0));
        }

        @Override
        public ObjectiveResult forward(TrainingBatch batch, EncoderCall encoder, ParameterStore ps, FlopMeter meter,
                                       boolean training) {
            NDArray target = encoder.teacher(batch.features(), batch.valid()).last();
            NDArray student = encoder.apply(batch.features(), batch.valid()).last();
            NDArray pull = student.sub(target).square().mean();
            NDArray loss = reconstruction.forward(batch, encoder, ps, meter, training).loss()
                    .add(pull.mul(batch.manager().create(0.1f)));
            return ObjectiveResult.of(loss);
        }
    }

    private Trainer.Outcome train(String budget, Path runDir, NDManager manager, LinearEncoder encoder) {
        return train(budget, runDir, manager, encoder, new Reconstruction(), false);
    }

    private Trainer.Outcome train(String budget, Path runDir, NDManager manager, LinearEncoder encoder,
                                  Objective objective, boolean resume) {
        return train(budget, runDir, manager, encoder, objective, resume, null);
    }

    private Trainer.Outcome train(String budget, Path runDir, NDManager manager, LinearEncoder encoder,
                                  Objective objective, boolean resume, FeatureCache cache) {
        return train(budget, runDir, manager, encoder, objective, resume, cache, new Tones());
    }

    private Trainer.Outcome train(String budget, Path runDir, NDManager manager, LinearEncoder encoder,
                                  Objective objective, boolean resume, FeatureCache cache, Tones tones) {
        Recipe recipe = LoadedRecipe.parse(Path.of("t.yaml"), """
                name: t
                seed: 5
                budget: %s
                data: {train: tones}
                frontend: bands
                encoder: linear
                objective: reconstruction
                batch: {seconds: 2, max_utterance_seconds: 0.5, loader_threads: 1, prefetch: 2}
                checkpoint: {every_steps: 2, keep: 5}
                """.formatted(budget)).recipe();
        BandEnergies frontend = new BandEnergies();
        FeaturePipeline pipeline = new FeaturePipeline(tones, List.of(), List.of(), frontend, 0.5, 5, null, cache);
        BatchPlanner planner = new BatchPlanner(tones.utterances(), 2, 0.5, 5);
        Trainer trainer = new Trainer(new Trainer.Setup(new UpstreamModel(frontend, encoder), objective,
                planner, pipeline, recipe, runDir, Console.quiet()));
        return trainer.train(manager, resume);
    }

    /** The arrays of a checkpoint's model file: student parameters, objective head, then the teacher's. */
    private static float[][] checkpointArrays(Path checkpoint, NDManager manager) throws Exception {
        NDList arrays = NDList.decode(manager, Files.readAllBytes(checkpoint.resolve("model.ndlist")));
        float[][] out = new float[arrays.size()][];
        for (int i = 0; i < arrays.size(); i++) {
            out[i] = arrays.get(i).toFloatArray();
        }
        return out;
    }

    @Test
    void theTeacherFollowsTheStudentIsChargedForwardOnlyAndResumesExactly() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Trainer.Outcome one = train("{steps: 1}", dir.resolve("t1"), manager, new LinearEncoder(),
                    new WithTeacher(), false);
            Map<String, Double> parts = one.state().flopsByComponent();
            // The student's body runs twice (the pull and the reconstruction) at 3x forward each; the teacher's
            // once, forward alone, on the same shapes.
            assertEquals(parts.get("encoder.linear") / 6, parts.get("teacher.encoder.linear"),
                    1e-9 * parts.get("encoder.linear"));

            // After one step: teacher = 0.5 * initial body + 0.5 * student (weight and bias of the linear body).
            float[][] after = checkpointArrays(dir.resolve("t1/checkpoints/step-00000001"), manager);
            LinearEncoder fresh = new LinearEncoder();
            new UpstreamModel(new BandEnergies(), fresh).initialize(manager, 5);
            float[] initial = fresh.linear.getParameters().valueAt(0).getArray().toFloatArray();
            float[] student = after[0];
            float[] teacher = after[after.length - 2];
            assertEquals(6, after.length, "body weight and bias, head weight and bias, then the teacher's two");
            for (int i = 0; i < initial.length; i++) {
                assertEquals(0.5f * initial[i] + 0.5f * student[i], teacher[i], 1e-6f);
            }
            assertTrue(maxDiff(initial, student) > 0, "the student moved");

            // Four steps straight, against two steps, a kill (the later checkpoints lost) and a resume.
            train("{steps: 4}", dir.resolve("straight"), manager, new LinearEncoder(), new WithTeacher(), false);
            train("{steps: 4}", dir.resolve("resumed"), manager, new LinearEncoder(), new WithTeacher(), false);
            Path checkpoints = dir.resolve("resumed/checkpoints");
            deleteTree(checkpoints.resolve("step-00000004"));
            Files.writeString(checkpoints.resolve("latest"), "step-00000002\n");
            train("{steps: 4}", dir.resolve("resumed"), manager, new LinearEncoder(), new WithTeacher(), true);
            float[][] a = checkpointArrays(dir.resolve("straight/checkpoints/step-00000004"), manager);
            float[][] b = checkpointArrays(checkpoints.resolve("step-00000004"), manager);
            for (int i = 0; i < a.length; i++) {
                assertArrayEquals(a[i], b[i], "array " + i + " differs after resuming");
            }
        }
    }

    @Test
    void resumingAFinishedRunTakesNoStepAndReportsTheLastLoggedLoss() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Trainer.Outcome done = train("{steps: 4}", dir.resolve("done"), manager, new LinearEncoder(),
                    new Reconstruction(), false);
            Trainer.Outcome again = train("{steps: 4}", dir.resolve("done"), manager, new LinearEncoder(),
                    new Reconstruction(), true);
            assertEquals(4, again.state().step());
            assertTrue(Double.isFinite(done.lastLoss()), "loss " + done.lastLoss());
            // It printed "final loss NaN" (the quickstart resumed for its probes) before the loss came from the log.
            assertEquals(done.lastLoss(), again.lastLoss(), 1e-4 * Math.abs(done.lastLoss()));
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static void deleteTree(Path root) throws Exception {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A dataset that checks nothing hands over NaN samples: at the first step the data is named, not the rate. */
    @Test
    void aNonFiniteLossAtTheFirstStepPointsAtTheData() {
        Tones poisoned = new Tones() {
            @Override
            public Waveform audio(Utterance u) {
                Waveform w = super.audio(u);
                w.samples()[w.length() / 2] = Float.NaN;
                return w;
            }
        };
        try (NDManager manager = NDManager.newBaseManager()) {
            UserError e = org.junit.jupiter.api.Assertions.assertThrows(UserError.class, () -> train("{steps: 3}",
                    dir.resolve("nan"), manager, new LinearEncoder(), new Reconstruction(), false, null, poisoned));
            assertTrue(e.getMessage().startsWith("the loss was NaN at the first step, before any weight was updated, "
                    + "so the learning rate is not the cause; the data most likely is: its batch held t"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("verify_audio: true"), e.getMessage());
            assertFalse(e.getMessage().contains("lower optim.lr"), e.getMessage());
        }
    }

    /**
     * Frames cover a little less audio than the utterance (4881 samples make 30 frames of 160): with no padding
     * at all the padding share is 0, not negative.
     */
    @Test
    void thePaddingShareIsNeverNegative() {
        Tones even = new Tones();
        even.utterances.replaceAll(u -> new Utterance(u.id(), u.audio(), 4881 / 16000.0, null, null, null));
        try (NDManager manager = NDManager.newBaseManager()) {
            Trainer.Outcome outcome = train("{steps: 2}", dir.resolve("even"), manager, new LinearEncoder(),
                    new Reconstruction(), false, null, even);
            TrainingState s = outcome.state();
            assertTrue(s.audioSeconds() > 0);
            assertEquals(s.audioSeconds(), s.paddedSeconds(), 1e-9, "equal lengths: nothing is padding");
        }
    }

    /** What SIGTERM does under {@code train --checkpoint-on-term}: asked during step 3, the run stops after it. */
    @Test
    void aStopRequestEndsTrainingAfterTheStepWithACheckpointThatResumesExactly() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Reconstruction asking = new Reconstruction() {
                int forwards;

                @Override
                public ObjectiveResult forward(TrainingBatch batch, EncoderCall encoder, ParameterStore ps,
                                               FlopMeter meter, boolean training) {
                    if (++forwards == 3) {
                        assertTrue(StopRequest.request(), "the trainer listens while it trains");
                    }
                    return super.forward(batch, encoder, ps, meter, training);
                }
            };
            RunStopped stopped;
            try {
                stopped = org.junit.jupiter.api.Assertions.assertThrows(RunStopped.class, () -> train("{steps: 8}",
                        dir.resolve("stopped"), manager, new LinearEncoder(), asking, false));
            } finally {
                StopRequest.clear();
            }
            // Step 3 is no periodic checkpoint (every 2 steps): the stop wrote its own.
            assertEquals(dir.resolve("stopped/checkpoints/step-00000003"), stopped.checkpoint());
            assertEquals("step-00000003", Files.readString(dir.resolve("stopped/checkpoints/latest")).strip());
            assertEquals(3, Files.readAllLines(dir.resolve("stopped/metrics.jsonl")).size());
            assertFalse(StopRequest.request(), "nobody listens once training has ended");
            StopRequest.clear();

            Trainer.Outcome resumed = train("{steps: 8}", dir.resolve("stopped"), manager, new LinearEncoder(),
                    new Reconstruction(), true);
            assertEquals(8, resumed.state().step());
            train("{steps: 8}", dir.resolve("straight"), manager, new LinearEncoder(), new Reconstruction(), false);
            float[][] a = checkpointArrays(dir.resolve("straight/checkpoints/step-00000008"), manager);
            float[][] b = checkpointArrays(dir.resolve("stopped/checkpoints/step-00000008"), manager);
            for (int i = 0; i < a.length; i++) {
                assertArrayEquals(a[i], b[i], "array " + i + " differs after the stop and resume");
            }
            assertEquals(8, Files.readAllLines(dir.resolve("stopped/metrics.jsonl")).size());
        }
    }

    @Test
    void aStepBudgetRunsExactlyThatManyStepsAndTheSameSeedGivesTheSameModel() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            LinearEncoder a = new LinearEncoder();
            Trainer.Outcome outcome = train("{steps: 12}", dir.resolve("a"), manager, a);
            assertEquals(12, outcome.state().step());
            assertEquals("step budget spent", outcome.stopReason());
            assertEquals(12, Files.readAllLines(dir.resolve("a/metrics.jsonl")).size());
            assertTrue(Files.isDirectory(dir.resolve("a/checkpoints/step-00000012")));
            // Each step's wait includes fetching its first batch: the steps' waits add up to the run's.
            double stepWaits = 0;
            for (String line : Files.readAllLines(dir.resolve("a/metrics.jsonl"))) {
                stepWaits += new com.fasterxml.jackson.databind.ObjectMapper().readTree(line)
                        .get("data_wait_seconds").asDouble();
            }
            assertEquals(outcome.dataWaitSeconds(), stepWaits, 1e-6);
            assertTrue(outcome.dataWaitSeconds() > 0, "the first batch is always waited for");
            LinearEncoder b = new LinearEncoder();
            train("{steps: 12}", dir.resolve("b"), manager, b);
            assertArrayEquals(a.linear.getParameters().valueAt(0).getArray().toFloatArray(),
                    b.linear.getParameters().valueAt(0).getArray().toFloatArray());
        }
    }

    @Test
    void theFeatureCacheChangesNoNumberAndItsCountsReachTheMetrics() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            LinearEncoder plain = new LinearEncoder();
            Trainer.Outcome off = train("{steps: 12}", dir.resolve("off"), manager, plain, new Reconstruction(), false);
            assertNull(off.featureCache());
            assertFalse(Files.readString(dir.resolve("off/metrics.jsonl")).contains("feature_cache"));

            FeatureCache cache = FeatureCache.open(dir.resolve("cache"), "band energies");
            LinearEncoder cold = new LinearEncoder();
            Trainer.Outcome first = train("{steps: 12}", dir.resolve("cold"), manager, cold, new Reconstruction(),
                    false, cache);
            LinearEncoder warm = new LinearEncoder();
            Trainer.Outcome second = train("{steps: 12}", dir.resolve("warm"), manager, warm, new Reconstruction(),
                    false, cache);
            for (LinearEncoder cached : List.of(cold, warm)) {
                for (int i = 0; i < 2; i++) {
                    assertArrayEquals(plain.linear.getParameters().valueAt(i).getArray().toFloatArray(),
                            cached.linear.getParameters().valueAt(i).getArray().toFloatArray());
                }
            }
            assertEquals(off.lastLoss(), second.lastLoss());
            assertTrue(first.featureCache().misses() > 0, first.featureCache().toString());
            FeatureCache.Stats s = second.featureCache();
            // Utterances of 0.55 and 0.6 s are cropped to 0.5 s: computed every time, never cached.
            assertTrue(s.hits() > 0 && s.bypassed() > 0, s.toString());
            List<String> lines = Files.readAllLines(dir.resolve("warm/metrics.jsonl"));
            var last = dev.pretext.core.Json.MAPPER.readTree(lines.get(lines.size() - 1));
            assertTrue(last.get("feature_cache_hits").asLong() > 0, last.toString());
            assertTrue(last.has("feature_cache_misses") && last.has("feature_cache_bypassed"), last.toString());
        }
    }

    @Test
    void aFlopsBudgetIsNeverExceededAndLittleOfItIsLeft() {
        try (NDManager manager = NDManager.newBaseManager()) {
            double budget = 3.0e7;
            Trainer.Outcome outcome = train("{flops: 3.0e7}", dir.resolve("f"), manager, new LinearEncoder());
            double spent = outcome.state().flops();
            assertEquals("FLOPs budget spent", outcome.stopReason());
            assertTrue(spent <= budget, "spent " + spent);
            double perStep = spent / outcome.state().step();
            assertTrue(budget - spent < 2 * perStep, "stopped early: " + spent + " of " + budget);
            Map<String, Double> parts = outcome.state().flopsByComponent();
            // The encoder and head each cost 3x forward (forward + backward).
            assertEquals(spent, parts.get("encoder.linear") + parts.get("objective.head"), 1e-6 * spent);
            assertTrue(Double.isFinite(outcome.lastLoss()), "loss " + outcome.lastLoss());
        }
    }

    @Test
    void anHourBudgetStopsOnWallClockTime() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Trainer.Outcome outcome = train("{hours: 0.0002}", dir.resolve("h"), manager, new LinearEncoder());
            assertEquals("time budget spent", outcome.stopReason());
            assertTrue(outcome.state().trainSeconds() >= 0.72, "trained " + outcome.state().trainSeconds() + " s");
            assertTrue(outcome.state().step() > 1);
        }
    }
}
