package dev.pretext.objectives.data2vec;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.model.ObjectiveResult;
import dev.pretext.api.model.TeacherSchedule;
import dev.pretext.architectures.transformer.TransformerConfig;
import dev.pretext.architectures.transformer.TransformerEncoder;
import dev.pretext.objectives.support.SpanMask;
import dev.pretext.testkit.Gradients;
import dev.pretext.testkit.ObjectiveContract;
import dev.pretext.testkit.RecordingMeter;
import dev.pretext.testkit.SpectralBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What is specific to data2vec, on real libtorch with a real (tiny) Transformer and real-signal features. */
class Data2vecObjectiveTest {
    private static final SpectralBatch DATA = SpectralBatch.of(16);
    private static final FeatureSpec SPEC = new FeatureSpec(16, SpectralBatch.FRAME_RATE);
    private static final TransformerConfig ENCODER = TransformerConfig.shape(3, 32, 4, 64);

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private record Model(TransformerEncoder encoder, Data2vecObjective objective) {
        List<Parameter> parameters() {
            List<Parameter> all = new ArrayList<>(encoder.block().getParameters().values());
            all.addAll(objective.block().getParameters().values());
            return all;
        }
    }

    private Model build(int seed, Data2vecConfig config, FeatureSpec spec) {
        Engine.getInstance().setRandomSeed(seed);
        TransformerEncoder encoder = new TransformerEncoder(ENCODER, spec);
        encoder.initialize(manager, spec);
        Data2vecObjective objective = new Data2vecObjective(config);
        objective.initialize(manager, ObjectiveContract.shape(spec, spec, encoder));
        return new Model(encoder, objective);
    }

    private Model build(int seed) {
        return build(seed, Data2vecConfig.defaults(), SPEC);
    }

    private SpanMask expectedMask(Model model, long seed) {
        return SpanMask.draw(DATA.lengths(), DATA.frames(), model.objective().config().maskProb(),
                model.objective().spanFrames(), new SplittableRandom(seed));
    }

    @Test
    void theTeacherSeesTheUnmaskedFeaturesOnceAndCostsForwardOnly() {
        Model model = build(1);
        RecordingMeter meter = new RecordingMeter();
        int masked = expectedMask(model, 3).count();
        try (NDManager step = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(step, false);
            RecordingCall call = new RecordingCall(model.encoder(), ps, meter, step, false);
            ObjectiveResult result = model.objective().forward(DATA.batch(step, 3), call, ps, meter, true);
            assertTrue(Float.isFinite(result.loss().getFloat()));
            assertEquals(List.of("body", "teacher"), call.calls);
            assertArrayEquals(DATA.features(), call.teacherInput, 0f, "the teacher must see unmasked features");
            assertEquals(3f, result.metrics().get("teacher_layers").getFloat(), "top_k 8 clipped to 3 layers");
        }
        double encoderPass = model.encoder().flops(DATA.size(), DATA.frames()).total();
        for (RecordingMeter.Entry e : meter.entries()) {
            boolean teacher = e.forward().forward().keySet().stream().anyMatch(k -> k.startsWith("teacher."));
            boolean targets = e.forward().forward().containsKey("objective.data2vec.targets");
            // the teacher and the targets built from it run without gradients: forward FLOPs only
            assertEquals(!(teacher || targets), e.withGradients(), "entry " + e);
        }
        assertEquals(encoderPass, meter.forward("teacher."), 1e-6 * encoderPass);
        double d = ENCODER.dim();
        assertEquals(2 * masked * d * d + masked * d, meter.forward("objective.data2vec.head"));
        assertEquals(8.0 * 3 * DATA.size() * DATA.frames() * d + 2 * masked * d,
                meter.forward("objective.data2vec.targets"));
    }

    @Test
    void theStudentSeesTheMaskEmbeddingOnMaskedFramesOnly() {
        Model model = build(2);
        SpanMask mask = expectedMask(model, 8);
        assertEquals(20, model.objective().spanFrames(), "200 ms at 100 Hz");
        try (NDManager step = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(step, false);
            RecordingCall call = new RecordingCall(model.encoder(), ps, new RecordingMeter(), step, false);
            model.objective().forward(DATA.batch(step, 8), call, ps, new RecordingMeter(), true);
            float[] embedding = model.objective().block().getParameters().get("mask_embedding").getArray()
                    .toFloatArray();
            int bins = DATA.bins();
            int maskedFrames = 0;
            for (int b = 0; b < DATA.size(); b++) {
                for (int t = 0; t < DATA.frames(); t++) {
                    int at = b * DATA.frames() + t;
                    boolean isMasked = mask.masked()[at] > 0;
                    assertTrue(!isMasked || t < DATA.lengths()[b], "padding was masked");
                    maskedFrames += isMasked ? 1 : 0;
                    for (int f = 0; f < bins; f++) {
                        float expected = isMasked ? embedding[f] : DATA.features()[at * bins + f];
                        assertEquals(expected, call.bodyInput[at * bins + f], 1e-6f, "row " + b + " frame " + t);
                    }
                }
            }
            assertTrue(maskedFrames > 0);
        }
    }

    @Test
    void theSpanFollowsTheFrontendsFrameRate() {
        assertEquals(10, build(1, Data2vecConfig.defaults(), new FeatureSpec(16, 50)).objective().spanFrames());
        assertEquals(20, build(1, Data2vecConfig.defaults(), new FeatureSpec(16, 100)).objective().spanFrames());
    }

    /** Reference: per row and channel, (h - mean) / sqrt(var + eps) over the first length frames. */
    private static double[] instanceNormed(float[] h, int[] lengths, int frames, int dim) {
        double[] out = new double[h.length];
        for (int b = 0; b < lengths.length; b++) {
            for (int c = 0; c < dim; c++) {
                double sum = 0;
                for (int t = 0; t < lengths[b]; t++) {
                    sum += h[(b * frames + t) * dim + c];
                }
                double mean = sum / lengths[b];
                double var = 0;
                for (int t = 0; t < lengths[b]; t++) {
                    double x = h[(b * frames + t) * dim + c] - mean;
                    var += x * x;
                }
                var /= lengths[b];
                for (int t = 0; t < lengths[b]; t++) {
                    int at = (b * frames + t) * dim + c;
                    out[at] = (h[at] - mean) / Math.sqrt(var + Data2vecObjective.INSTANCE_NORM_EPS);
                }
            }
        }
        return out;
    }

    @Test
    void targetsAverageTheTopLayersEachInstanceNormalisedOverRealFrames() {
        int[] lengths = {5, 3};
        int frames = 5;
        int dim = 3;
        SplittableRandom rng = new SplittableRandom(5);
        List<float[]> layers = new ArrayList<>();
        for (int l = 0; l < 4; l++) {
            float[] h = new float[2 * frames * dim];
            for (int i = 0; i < h.length; i++) {
                h[i] = (float) (rng.nextDouble() * 4 - 1 + l);
            }
            layers.add(h);
        }
        float[] valid = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
        try (NDManager step = manager.newSubManager()) {
            List<NDArray> hidden = new ArrayList<>();
            for (float[] h : layers) {
                hidden.add(step.create(h, new Shape(2, frames, dim)));
            }
            NDArray v = step.create(valid, new Shape(2, frames));
            float[] top2 = Data2vecObjective.targets(hidden, v, 2, step).toFloatArray();
            double[] a = instanceNormed(layers.get(2), lengths, frames, dim);
            double[] b = instanceNormed(layers.get(3), lengths, frames, dim);
            for (int i = 0; i < top2.length; i++) {
                assertEquals((a[i] + b[i]) / 2, top2[i], 1e-4, "element " + i);
            }
            // k = 1: each channel of each row has mean 0 and variance 1 over its real frames; padding is 0
            float[] top1 = Data2vecObjective.targets(hidden, v, 1, step).toFloatArray();
            for (int row = 0; row < 2; row++) {
                for (int c = 0; c < dim; c++) {
                    double sum = 0;
                    double squares = 0;
                    for (int t = 0; t < lengths[row]; t++) {
                        double x = top1[(row * frames + t) * dim + c];
                        sum += x;
                        squares += x * x;
                    }
                    assertEquals(0, sum / lengths[row], 1e-5);
                    assertEquals(1, squares / lengths[row], 1e-3);
                    for (int t = lengths[row]; t < frames; t++) {
                        assertEquals(0f, top1[(row * frames + t) * dim + c], 0f);
                    }
                }
            }
            // the input projection (entry 0) is never a target layer
            assertThrows(IllegalArgumentException.class, () -> Data2vecObjective.targets(hidden, v, 4, step));
        }
    }

    private float[] gradients(Model model, boolean detachTeacher) {
        try (NDManager step = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(step, false);
            RecordingCall call = new RecordingCall(model.encoder(), ps, new RecordingMeter(), step, true);
            call.detachTeacher = detachTeacher;
            Engine.getInstance().setRandomSeed(77);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                ObjectiveResult result = model.objective().forward(DATA.batch(step, 4), call, ps,
                        new RecordingMeter(), true);
                collector.backward(result.loss());
            }
            return Gradients.takeAll(model.parameters());
        }
    }

    @Test
    void noGradientFlowsThroughTheTargetsEvenWhenTheTeacherHandsOverAGraph() {
        // The teacher here shares the student's weights and returns its outputs still attached to the graph;
        // the objective must detach them itself, so the gradients equal those with a detached teacher.
        Model model = build(6);
        float[] attached = gradients(model, false);
        float[] detached = gradients(model, true);
        assertArrayEquals(detached, attached, 1e-7f);
    }

    @Test
    void smoothL1WithAWideBetaIsTheL2LossScaled() {
        double beta = 1000;
        float l2 = loss(build(7, Data2vecConfig.defaults(), SPEC));
        float smooth = loss(build(7, new Data2vecConfig(null, null, null, "smooth_l1", beta, null, null), SPEC));
        // 0.5 e^2 / beta wherever |e| < beta
        assertEquals(l2, smooth * 2 * beta, 1e-4 * l2);
    }

    private float loss(Model model) {
        try (NDManager step = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(step, false);
            RecordingCall call = new RecordingCall(model.encoder(), ps, new RecordingMeter(), step, false);
            Engine.getInstance().setRandomSeed(78);
            return model.objective().forward(DATA.batch(step, 4), call, ps, new RecordingMeter(), true).loss()
                    .getFloat();
        }
    }

    @Test
    void theTeacherScheduleComesFromTheConfig() {
        assertEquals(new TeacherSchedule(0.999, 0.9999, 0.075),
                new Data2vecObjective(Data2vecConfig.defaults()).teacher().orElseThrow());
        assertEquals(new TeacherSchedule(0.99, 0.995, 0.5), new Data2vecObjective(
                new Data2vecConfig(null, null, null, null, null, List.of(0.99, 0.995), 0.5)).teacher().orElseThrow());
    }

    @Test
    void spansCoverAboutHalfOfLongUtterancesAndNeverThePadding() {
        int[] lengths = {3000, 1000, 0, 7};
        SpanMask mask = SpanMask.draw(lengths, 3000, 0.65, 10, new SplittableRandom(1));
        assertTrue(mask.share() > 0.4 && mask.share() < 0.6, "masked share " + mask.share());
        for (int b = 0; b < lengths.length; b++) {
            for (int t = lengths[b]; t < 3000; t++) {
                assertEquals(0f, mask.masked()[b * 3000 + t]);
            }
            assertEquals(mask.offsets()[b + 1] - mask.offsets()[b], count(mask, b, 3000));
        }
        assertEquals(7, count(mask, 3, 3000), "a short utterance is masked whole by its one span");
        assertArrayEquals(mask.indices(), SpanMask.draw(lengths, 3000, 0.65, 10, new SplittableRandom(1)).indices());
    }

    private static int count(SpanMask mask, int row, int frames) {
        int n = 0;
        for (int t = 0; t < frames; t++) {
            n += mask.masked()[row * frames + t] > 0 ? 1 : 0;
        }
        return n;
    }
}
