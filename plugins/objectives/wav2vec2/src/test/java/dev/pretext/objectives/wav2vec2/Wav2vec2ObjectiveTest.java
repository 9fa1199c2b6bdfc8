package dev.pretext.objectives.wav2vec2;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.model.EncoderCall;
import dev.pretext.api.model.EncoderOutput;
import dev.pretext.api.model.FrontendOutput;
import dev.pretext.api.model.ObjectiveResult;
import dev.pretext.api.model.TrainingBatch;
import dev.pretext.architectures.transformer.TransformerConfig;
import dev.pretext.architectures.transformer.TransformerEncoder;
import dev.pretext.architectures.waveformcnn.WaveformCnnConfig;
import dev.pretext.architectures.waveformcnn.WaveformCnnFrontend;
import dev.pretext.objectives.support.SpanMask;
import dev.pretext.testkit.ObjectiveContract;
import dev.pretext.testkit.RecordingMeter;
import dev.pretext.testkit.Signals;
import dev.pretext.testkit.SpectralBatch;
import dev.pretext.testkit.TestEncoderCall;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What is specific to wav2vec 2.0, on real libtorch with a real (tiny) Transformer. */
class Wav2vec2ObjectiveTest {
    private static final SpectralBatch DATA = SpectralBatch.of(16);
    private static final FeatureSpec SPEC = new FeatureSpec(16, SpectralBatch.FRAME_RATE);
    private static final TransformerConfig ENCODER = TransformerConfig.shape(2, 32, 4, 64);
    /** Small codebook, fast annealing so that a few passes show. */
    private static final Wav2vec2Config CONFIG = new Wav2vec2Config(null, null, 2, 16, 32, 20, null,
            List.of(2.0, 0.5), 0.9, null, null);

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private record Model(TransformerEncoder encoder, Wav2vec2Objective objective) {
    }

    private Model build(int seed, Wav2vec2Config config) {
        Engine.getInstance().setRandomSeed(seed);
        TransformerEncoder encoder = new TransformerEncoder(ENCODER, SPEC);
        encoder.initialize(manager, SPEC);
        Wav2vec2Objective objective = new Wav2vec2Objective(config);
        objective.initialize(manager, ObjectiveContract.shape(SPEC, SPEC, encoder));
        return new Model(encoder, objective);
    }

    private ObjectiveResult pass(Model model, NDManager step, RecordingMeter meter, long seed) {
        ParameterStore ps = new ParameterStore(step, false);
        Engine.getInstance().setRandomSeed(99);
        return model.objective().forward(DATA.batch(step, seed), new TestEncoderCall(model.encoder(), ps, null, meter,
                true), ps, meter, true);
    }

    @Test
    void negativesComeFromOtherMaskedFramesOfTheSameUtterance() {
        int[] offsets = {0, 5, 6, 40, 42};
        int k = 50;
        int[] negatives = Wav2vec2Objective.negatives(offsets, k, new SplittableRandom(3));
        assertEquals(42 * k, negatives.length);
        for (int b = 0; b + 1 < offsets.length; b++) {
            int count = offsets[b + 1] - offsets[b];
            for (int i = offsets[b]; i < offsets[b + 1]; i++) {
                boolean[] seen = new boolean[42];
                for (int j = 0; j < k; j++) {
                    int pick = negatives[i * k + j];
                    assertTrue(pick >= offsets[b] && pick < offsets[b + 1], "left the utterance: " + pick);
                    // only an utterance with one masked frame has nothing else to offer (excluded in the logits)
                    assertTrue(pick != i || count == 1, "frame " + i + " is its own negative");
                    seen[pick] = true;
                }
                if (count == 5) {
                    int distinct = 0;
                    for (boolean s : seen) {
                        distinct += s ? 1 : 0;
                    }
                    assertEquals(4, distinct, "50 draws from 4 others should reach all 4");
                }
            }
        }
    }

    @Test
    void logitsAreScaledCosinesAndExcludeDistractorsWithThePositivesCodes() {
        Wav2vec2Objective objective = build(1, CONFIG).objective();
        float[] x = {1, 0, 0, 0, 2, 0, 1, 1, 1};
        float[] y = {2, 0, 0, 0, 0, 3, 1, -1, 0};
        long[] codes = {4, 5, 7, 7, 4, 5};
        int[] negatives = {1, 2, 0, 2, 0, 1};
        try (NDManager step = manager.newSubManager()) {
            float[] logits = objective.logits(step.create(x, new Shape(3, 3)), step.create(y, new Shape(3, 3)),
                    new int[]{0, 3}, negatives, codes, step).toFloatArray();
            assertEquals(9, logits.length);
            assertEquals(10f, logits[0], 1e-4f, "cos(x0, y0) / 0.1");
            assertEquals(0f, logits[1], 1e-4f, "cos(x0, y1) / 0.1");
            assertTrue(logits[2] < -1e8f, "frame 2 has frame 0's codes: excluded");
            assertEquals(0f, logits[3], 1e-4f, "cos(x1, y1): orthogonal");
            assertEquals(10 / (float) Math.sqrt(3), logits[8], 1e-4f, "cos(x2, y1)");
            assertTrue(logits[7] < -1e8f, "frame 0 has frame 2's codes: excluded");
        }
    }

    private void setQuantizerLogits(Wav2vec2Objective objective, float[] bias) {
        for (var e : objective.block().getParameters()) {
            if (e.getKey().contains("quantizer_")) {
                NDArray a = e.getValue().getArray();
                a.set(e.getKey().endsWith("bias") ? bias : new float[(int) a.size()]);
            }
        }
    }

    @Test
    void diversityLossIsZeroOnAUniformCodebookAndACollapseIsWarnedAboutSparingly() {
        // warn below 10% of the 32 codes: a perplexity of 2 is a collapse
        Model model = build(2, new Wav2vec2Config(null, null, 2, 16, 32, 20, null, null, null, null, 0.1));
        int codes = 2 * 16;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        model.objective().warnTo(new PrintStream(err, true, StandardCharsets.UTF_8));
        setQuantizerLogits(model.objective(), new float[codes]);
        try (NDManager step = manager.newSubManager()) {
            ObjectiveResult uniform = pass(model, step, new RecordingMeter(), 3);
            assertEquals(32f, uniform.metrics().get("prob_perplexity").getFloat(), 1e-3f);
            assertEquals(0f, uniform.metrics().get("diversity_loss").getFloat(), 1e-4f);
        }
        // every frame picks entry 0 of each codebook
        float[] peaked = new float[codes];
        peaked[0] = 50;
        peaked[16] = 50;
        setQuantizerLogits(model.objective(), peaked);
        try (NDManager step = manager.newSubManager()) {
            ObjectiveResult collapsed = pass(model, step, new RecordingMeter(), 3);
            assertEquals(2f, collapsed.metrics().get("code_perplexity").getFloat(), 1e-6f);
            assertEquals(2f, collapsed.metrics().get("prob_perplexity").getFloat(), 1e-3f);
            assertEquals(1 - 2f / 32, collapsed.metrics().get("diversity_loss").getFloat(), 1e-4f);
            pass(model, step, new RecordingMeter(), 4);
        }
        String warned = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, warned.lines().count(), "warn at most once per 100 passes: " + warned);
        assertTrue(warned.contains("code perplexity 2.0 of 32 possible"), warned);
        System.out.print("the warning reads: " + warned);
        model.objective().block().getParameters().get("passes").getArray().set(new float[]{500});
        try (NDManager step = manager.newSubManager()) {
            pass(model, step, new RecordingMeter(), 5);
        }
        assertEquals(2, err.toString(StandardCharsets.UTF_8).lines().count(), "warn again 100 passes later");
    }

    private static String quantizerWeight(Wav2vec2Objective objective) {
        for (var e : objective.block().getParameters()) {
            if (e.getKey().endsWith("quantizer_weight")) {
                return e.getKey();
            }
        }
        throw new AssertionError("no quantizer weight");
    }

    /**
     * The quantiser's weight gradient after a training pass: the temperature shapes the straight-through gradient
     * (the forward pass takes the hard choice, which no temperature changes).
     */
    private float[] quantizerGradient(Model model, long seed) {
        Parameter weight = model.objective().block().getParameters().get(quantizerWeight(model.objective()));
        try (NDManager step = manager.newSubManager()) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(pass(model, step, new RecordingMeter(), seed).loss());
            }
            try (NDArray grad = weight.getArray().getGradient()) {
                float[] g = grad.toFloatArray();
                grad.subi(grad);
                return g;
            }
        }
    }

    @Test
    void theTemperatureFollowsTheCheckpointedPassCounterSoAResumeEqualsNoStop() throws Exception {
        Model straight = build(3, CONFIG);
        float[][] gradients = new float[4][];
        for (int i = 0; i < 4; i++) {
            assertEquals(Math.max(2 * Math.pow(0.9, i), 0.5), straight.objective().temperature(), 1e-9);
            gradients[i] = quantizerGradient(straight, 7);
        }
        assertEquals(4, straight.objective().passes());
        assertNotEquals(gradients[0][0], gradients[3][0], "the annealed temperature must change the gradients");

        // "checkpoint" after 3 passes: the objective's parameters as the core saves them, restored into a new model
        Model before = build(3, CONFIG);
        for (int i = 0; i < 3; i++) {
            quantizerGradient(before, 7);
        }
        NDList saved = new NDList();
        before.objective().block().getParameters().values().forEach(p -> saved.add(p.getArray()));
        byte[] checkpoint = saved.encode();
        Model resumed = build(3, CONFIG);
        try (NDManager tmp = manager.newSubManager()) {
            NDList loaded = NDList.decode(tmp, checkpoint);
            int i = 0;
            for (Parameter p : resumed.objective().block().getParameters().values()) {
                p.getArray().set(loaded.get(i++).toFloatArray());
            }
        }
        assertEquals(3, resumed.objective().passes());
        assertArrayEquals(gradients[3], quantizerGradient(resumed, 7), 0f);
    }

    @Test
    void thePassCounterGetsAZeroGradientAndHeadsReportTheirFlops() {
        Model model = build(4, CONFIG);
        RecordingMeter meter = new RecordingMeter();
        ObjectiveResult result;
        try (NDManager step = manager.newSubManager()) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                result = pass(model, step, meter, 8);
                collector.backward(result.loss());
            }
            float accuracy = result.metrics().get("accuracy").getFloat();
            assertTrue(accuracy >= 0 && accuracy <= 1);
            assertTrue(result.metrics().get("code_perplexity").getFloat() <= 32f);
        }
        Parameter passes = model.objective().block().getParameters().get("passes");
        assertArrayEquals(new float[]{0f}, passes.getArray().getGradient().toFloatArray());
        assertEquals(1f, passes.getArray().getFloat());
        SpanMask mask = SpanMask.draw(DATA.lengths(), DATA.frames(), 0.65, 20, new SplittableRandom(8));
        int n = mask.count();
        double pairs = 0;
        for (int b = 0; b < DATA.size(); b++) {
            pairs += Math.pow(mask.offsets()[b + 1] - mask.offsets()[b], 2);
        }
        assertTrue(pairs < (double) n * n / 2, "only within-utterance pairs are compared");
        double fd = 32;
        assertEquals(2.0 * pairs * fd + 6 * n * fd + pairs, meter.forward("objective.wav2vec2.similarity"));
        assertEquals(2.0 * n * 16 * 32 + n * 32 + 16.0 * n * 32 + 2.0 * n * 32 * 16,
                meter.forward("objective.wav2vec2.quantizer"));
        assertTrue(meter.entries().stream().allMatch(RecordingMeter.Entry::withGradients));
    }

    /** An EncoderCall with the learned convolutional frontend in front of the body, as the core runs it. */
    private record CnnCall(WaveformCnnFrontend cnn, TransformerEncoder body, ParameterStore ps) implements EncoderCall {
        @Override
        public EncoderOutput apply(NDArray features, NDArray valid) {
            FrontendOutput f = frontend(features, valid);
            return body(f.features(), f.valid());
        }

        @Override
        public FrontendOutput frontend(NDArray features, NDArray valid) {
            return cnn.forward(ps, features, valid, true);
        }

        @Override
        public EncoderOutput body(NDArray features, NDArray valid) {
            return body.forward(ps, features, valid, true);
        }
    }

    @Test
    void trainsOnRawAudioThroughTheWaveformCnn() {
        Engine.getInstance().setRandomSeed(5);
        WaveformCnnFrontend cnn = new WaveformCnnFrontend(new WaveformCnnConfig(16, null, null, null));
        cnn.initialize(manager);
        FeatureSpec cnnOut = cnn.outputSpec();
        TransformerEncoder body = new TransformerEncoder(ENCODER, cnnOut);
        body.initialize(manager, cnnOut);
        Wav2vec2Objective objective = new Wav2vec2Objective(CONFIG);
        objective.initialize(manager, ObjectiveContract.shape(cnn.spec(), cnnOut, body));
        assertEquals(10, objective.spanFrames(), "200 ms at the CNN's 50 Hz");
        assertEquals(new Shape(32, 16), objective.block().getParameters().get(quantizerWeight(objective)).getArray()
                .getShape(), "the quantiser reads the CNN's 16 channels");

        Waveform[] waves = {Signals.chirp(200, 3000, 1.0, 0.5), Signals.chirp(2500, 400, 0.7, 0.4)};
        int frames = cnn.extract(waves[0]).frames();
        float[] data = new float[2 * frames * 320];
        float[] valid = new float[2 * frames];
        int[] lengths = new int[2];
        List<Utterance> utterances = new ArrayList<>();
        for (int b = 0; b < 2; b++) {
            Features f = cnn.extract(waves[b]);
            lengths[b] = f.frames();
            for (int t = 0; t < f.frames(); t++) {
                valid[b * frames + t] = 1f;
                for (int s = 0; s < 320; s++) {
                    data[(b * frames + t) * 320 + s] = f.get(t, s);
                }
            }
            utterances.add(new Utterance("w" + b, Path.of("w" + b + ".wav"), waves[b].length() / 16000.0, null,
                    null, null));
        }
        try (NDManager step = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(step, false);
            TrainingBatch batch = new TrainingBatch(step.create(data, new Shape(2, frames, 320)),
                    step.create(valid, new Shape(2, frames)), lengths, utterances, step, new SplittableRandom(1));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                ObjectiveResult result = objective.forward(batch, new CnnCall(cnn, body, ps), ps, new RecordingMeter(),
                        true);
                float loss = result.loss().getFloat();
                assertTrue(Float.isFinite(loss) && loss > 0, "loss " + loss);
                collector.backward(result.loss());
            }
        }
        for (var e : cnn.block().getParameters()) {
            float[] g = e.getValue().getArray().getGradient().toFloatArray();
            double sum = 0;
            for (float v : g) {
                assertTrue(Float.isFinite(v));
                sum += Math.abs(v);
            }
            assertTrue(sum > 0, "no gradient reaches the CNN's " + e.getKey());
        }
    }
}
