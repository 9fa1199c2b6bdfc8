package dev.pretext.objectives.mam;

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
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.model.EncoderCall;
import dev.pretext.api.model.FlopCount;
import dev.pretext.api.model.FlopMeter;
import dev.pretext.api.model.ObjectiveResult;
import dev.pretext.api.model.TrainingBatch;
import dev.pretext.architectures.transformer.TransformerConfig;
import dev.pretext.architectures.transformer.TransformerEncoder;
import dev.pretext.testkit.Signals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import dev.pretext.testkit.Gradients;
import dev.pretext.testkit.NativeMemory;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The objective on real libtorch, with a real (tiny) Transformer and features of real test signals. */
class MamObjectiveTest {
    private static final int BINS = 16;
    private static final FeatureSpec SPEC = new FeatureSpec(BINS, 100);
    private static final TransformerConfig ENCODER = TransformerConfig.shape(2, 64, 4, 128);

    private static float[] features;
    private static int[] lengths;
    private static int frames;

    private NDManager manager;

    @BeforeAll
    static void makeBatch() {
        Waveform[] waves = {
                Signals.chirp(200, 4000, 1.2, 0.5),
                mix(Signals.tone(440, 1.0, 0.3), Signals.noise(1.0, 0.02, 1)),
                Signals.chirp(3000, 300, 0.8, 0.4),
                mix(Signals.chirp(500, 1500, 1.2, 0.3), Signals.tone(2500, 1.2, 0.2)),
        };
        lengths = new int[waves.length];
        for (int b = 0; b < waves.length; b++) {
            lengths[b] = SpectralFeatures.frameCount(waves[b]);
            frames = Math.max(frames, lengths[b]);
        }
        features = new float[waves.length * frames * BINS];
        for (int b = 0; b < waves.length; b++) {
            float[] bands = SpectralFeatures.logBands(waves[b], BINS, lengths[b]);
            System.arraycopy(bands, 0, features, b * frames * BINS, bands.length);
        }
        normalise(features, lengths, frames);
    }

    private static Waveform mix(Waveform a, Waveform b) {
        float[] x = a.samples().clone();
        for (int i = 0; i < Math.min(x.length, b.length()); i++) {
            x[i] += b.samples()[i];
        }
        return new Waveform(x, a.sampleRate());
    }

    /** Per-bin mean and variance normalisation over the real frames; padding stays 0. */
    private static void normalise(float[] x, int[] lengths, int frames) {
        for (int f = 0; f < BINS; f++) {
            double sum = 0;
            double squares = 0;
            int count = 0;
            for (int b = 0; b < lengths.length; b++) {
                for (int t = 0; t < lengths[b]; t++) {
                    double v = x[(b * frames + t) * BINS + f];
                    sum += v;
                    squares += v * v;
                    count++;
                }
            }
            double mean = sum / count;
            double std = Math.sqrt(Math.max(1e-8, squares / count - mean * mean));
            for (int b = 0; b < lengths.length; b++) {
                for (int t = 0; t < lengths[b]; t++) {
                    int at = (b * frames + t) * BINS + f;
                    x[at] = (float) ((x[at] - mean) / std);
                }
            }
        }
    }

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private record Model(TransformerEncoder encoder, MamObjective objective) {
        List<Parameter> parameters() {
            List<Parameter> all = new ArrayList<>(encoder.block().getParameters().values());
            all.addAll(objective.block().getParameters().values());
            return all;
        }
    }

    private Model build(int seed, MamConfig config) {
        Engine.getInstance().setRandomSeed(seed);
        TransformerEncoder encoder = new TransformerEncoder(ENCODER, SPEC);
        encoder.initialize(manager, SPEC);
        MamObjective objective = new MamObjective(config, SPEC);
        objective.initialize(manager, SPEC, encoder.dim());
        return new Model(encoder, objective);
    }

    private TrainingBatch batch(NDManager step, float[] data, long maskSeed) {
        float[] valid = new float[lengths.length * frames];
        List<Utterance> utterances = new ArrayList<>();
        for (int b = 0; b < lengths.length; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                valid[b * frames + t] = 1f;
            }
            utterances.add(new Utterance("u" + b, Path.of("u" + b + ".wav"), lengths[b] / 100.0, null, null, null));
        }
        return new TrainingBatch(step.create(data, new Shape(lengths.length, frames, BINS)),
                step.create(valid, new Shape(lengths.length, frames)), lengths.clone(), utterances, step,
                new SplittableRandom(maskSeed));
    }

    private static final class RecordingMeter implements FlopMeter {
        final List<FlopCount> counts = new ArrayList<>();
        final List<Boolean> withGradients = new ArrayList<>();

        @Override
        public void record(FlopCount forward, boolean gradients) {
            counts.add(forward);
            withGradients.add(gradients);
        }
    }

    private static EncoderCall call(Model model, ParameterStore ps, boolean training) {
        return (f, v) -> model.encoder().forward(ps, f, v, training);
    }

    @Test
    void lossIsFiniteAndPositiveAndTheHeadReportsItsFlops() {
        Model model = build(1, new MamConfig(null, null, null, null));
        ParameterStore ps = new ParameterStore(manager, false);
        RecordingMeter meter = new RecordingMeter();
        try (NDManager step = manager.newSubManager()) {
            ObjectiveResult result = model.objective().forward(batch(step, features, 3), call(model, ps, true), ps,
                    meter, true);
            float loss = result.loss().getFloat();
            assertTrue(Float.isFinite(loss) && loss > 0, "loss " + loss);
            assertEquals(new Shape(), result.loss().getShape());
            float maskedFrames = result.metrics().get("masked_frames").getFloat();
            assertTrue(maskedFrames > 0.05 && maskedFrames < 0.3, "masked_frames " + maskedFrames);
            assertTrue(result.metrics().containsKey("masked_bins"));
        }
        assertEquals(1, meter.counts.size());
        assertTrue(meter.withGradients.get(0));
        double n = (double) lengths.length * frames;
        double d = ENCODER.dim();
        double expectedHead = 2 * n * d * d + n * d + 8 * n * d + 7 * n * d + 2 * n * d * BINS + n * BINS;
        assertEquals(expectedHead, meter.counts.get(0).forward().get("objective.mam.head"));
    }

    @Test
    void maskedInputFollowsThePlanAndPaddingStaysZero() {
        MamConfig config = new MamConfig(0.3, 5, 1.0, 0.25);
        Model model = build(2, config);
        ParameterStore ps = new ParameterStore(manager, false);
        MaskPlan plan = MaskPlan.draw(lengths, frames, BINS, config, new SplittableRandom(8));
        float[][] seen = new float[1][];
        try (NDManager step = manager.newSubManager()) {
            EncoderCall spy = (f, v) -> {
                seen[0] = f.toFloatArray();
                return model.encoder().forward(ps, f, v, false);
            };
            // The objective draws its plan first from the batch's stream, so the same seed gives this plan.
            model.objective().forward(batch(step, features, 8), spy, ps, new RecordingMeter(), false);
        }
        int zeroed = 0;
        int replaced = 0;
        for (int b = 0; b < lengths.length; b++) {
            for (int t = 0; t < frames; t++) {
                int at = b * frames + t;
                for (int f = 0; f < BINS; f++) {
                    float actual = seen[0][at * BINS + f];
                    if (t >= lengths[b]) {
                        assertEquals(0f, actual, 0f, "padding changed");
                        continue;
                    }
                    float expected = features[plan.sourceFrame()[at] * BINS + f]
                            * plan.frameKeep()[at] * plan.binKeep()[b * BINS + f];
                    assertEquals(expected, actual, 0f, "utterance " + b + " frame " + t + " bin " + f);
                }
                zeroed += plan.frameKeep()[at] == 0f ? 1 : 0;
                replaced += plan.sourceFrame()[at] != at ? 1 : 0;
            }
        }
        assertTrue(zeroed > 0, "nothing was zeroed");
        assertTrue(plan.maskedBins() > 0, "no frequency band was drawn");
    }

    @Test
    void garbageInThePaddingDoesNotChangeTheLoss() {
        Model model = build(3, new MamConfig(null, null, null, null));
        ParameterStore ps = new ParameterStore(manager, false);
        float[] dirty = features.clone();
        SplittableRandom rng = new SplittableRandom(4);
        for (int b = 0; b < lengths.length; b++) {
            for (int i = lengths[b] * BINS; i < frames * BINS; i++) {
                dirty[b * frames * BINS + i] = (float) (10 * rng.nextDouble() - 5);
            }
        }
        try (NDManager step = manager.newSubManager()) {
            float clean = model.objective().forward(batch(step, features, 5), call(model, ps, false), ps,
                    new RecordingMeter(), false).loss().getFloat();
            float withGarbage = model.objective().forward(batch(step, dirty, 5), call(model, ps, false), ps,
                    new RecordingMeter(), false).loss().getFloat();
            assertEquals(clean, withGarbage, 1e-5f);
        }
    }

    @Test
    void oneFixedBatchOverfits() {
        Model model = build(4, new MamConfig(null, null, null, null));
        ParameterStore ps = new ParameterStore(manager, false);
        Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(2e-3f)).build();
        float first = trainStep(model, ps, adam);
        float last = first;
        for (int i = 1; i < 100; i++) {
            last = trainStep(model, ps, adam);
            assertTrue(Float.isFinite(last), "loss became " + last + " at step " + i);
        }
        assertTrue(last < 0.5f * first, "loss went from " + first + " to " + last);
    }

    /** Gradients of every parameter after one pass; optionally with a garbage collection before backward. */
    private float[] gradients(Model model, boolean collectGarbageBeforeBackward) {
        ParameterStore ps = new ParameterStore(manager, false);
        try (NDManager step = manager.newSubManager()) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                ObjectiveResult result = model.objective().forward(batch(step, features, 6), call(model, ps, true),
                        ps, new RecordingMeter(), true);
                Object junk = collectGarbageBeforeBackward ? NativeMemory.collectAndReuse() : null;
                collector.backward(result.loss());
            }
            return Gradients.takeAll(model.parameters());
        }
    }

    @Test
    void gradientsDoNotDependOnWhenTheGarbageCollectorRuns() {
        // The loss is divided by an array, not a Number: DJL frees Number operands before autograd is done.
        Model model = build(1, new MamConfig(null, null, null, null));
        float[] quiet = gradients(model, false);
        for (int round = 0; round < 3; round++) {
            assertArrayEquals(quiet, gradients(model, true), "gradients changed after a garbage collection");
        }
    }

    /** Forward, backward and an Adam update on the same batch and masks (the mask stream is reseeded). */
    private float trainStep(Model model, ParameterStore ps, Optimizer optimizer) {
        float loss;
        try (NDManager step = manager.newSubManager()) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                ObjectiveResult result = model.objective().forward(batch(step, features, 6), call(model, ps, true),
                        ps, new RecordingMeter(), true);
                loss = result.loss().getFloat();
                collector.backward(result.loss());
            }
            for (Parameter p : model.parameters()) {
                NDArray weight = p.getArray();
                NDArray grad = weight.getGradient();
                optimizer.update(p.getId(), weight, grad);
                grad.subi(grad);
                grad.close();
            }
        }
        return loss;
    }

    @Test
    void sameSeedsGiveTheSameLoss() {
        MamConfig config = new MamConfig(null, null, null, null);
        float a = lossFor(build(21, config), 9);
        float b = lossFor(build(21, config), 9);
        float otherMasks = lossFor(build(21, config), 10);
        float otherWeights = lossFor(build(22, config), 9);
        assertEquals(a, b, 0f);
        assertNotEquals(a, otherMasks);
        assertNotEquals(a, otherWeights);
    }

    private float lossFor(Model model, long maskSeed) {
        ParameterStore ps = new ParameterStore(manager, false);
        try (NDManager step = manager.newSubManager()) {
            return model.objective().forward(batch(step, features, maskSeed), call(model, ps, true), ps,
                    new RecordingMeter(), true).loss().getFloat();
        }
    }
}
