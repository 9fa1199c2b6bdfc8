package dev.pretext.architectures.waveformcnn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.model.FrontendOutput;
import dev.pretext.testkit.Gradients;
import dev.pretext.testkit.NativeMemory;
import dev.pretext.testkit.Signals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The convolutional frontend on real libtorch and real (synthetic) audio. */
class WaveformCnnFrontendTest {
    private static final int CHANNELS = 16;
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private WaveformCnnFrontend build(WaveformCnnConfig config, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        WaveformCnnFrontend frontend = new WaveformCnnFrontend(config);
        frontend.initialize(manager);
        return frontend;
    }

    private static WaveformCnnConfig config(String norm, double gradientScale) {
        return new WaveformCnnConfig(CHANNELS, norm, null, gradientScale);
    }

    /** A vowel-like signal (a 120-200 Hz fundamental, ten decaying harmonics) with a little noise. */
    private static float[] speechLike(double seconds, long seed) {
        float[] noise = Signals.noise(seconds, 0.01, seed).samples();
        double f0 = 120 + 10 * seed;
        for (int i = 0; i < noise.length; i++) {
            double t = (double) i / Waveform.RATE;
            for (int h = 1; h <= 10; h++) {
                noise[i] += (float) (0.3 / h * Math.sin(2 * Math.PI * f0 * h * t + h));
            }
        }
        return noise;
    }

    @Test
    void extractionCutsTwentyMillisecondFramesAndDropsThePartialOne() {
        WaveformCnnFrontend frontend = new WaveformCnnFrontend(config("group", 1));
        float[] samples = new float[16_000 + 100];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = i;
        }
        Features f = frontend.extract(new Waveform(samples, Waveform.RATE));
        assertEquals(50, f.frames());
        assertEquals(320, f.dim());
        assertEquals(50.0, frontend.spec().frameRateHz());
        assertEquals(321f, f.get(1, 1));
        assertThrows(IllegalArgumentException.class, () -> frontend.extract(new Waveform(samples, 8000)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"group", "layer"})
    void paddingNeitherLeaksIntoRealFramesNorSurvivesInTheOutput(String norm) {
        WaveformCnnFrontend frontend = build(config(norm, 1), 3);
        ParameterStore ps = new ParameterStore(manager, false);
        int shortFrames = 7;
        int frames = 12;
        float[] shortAudio = speechLike(shortFrames * 0.02, 1);
        float[] longAudio = speechLike(frames * 0.02, 2);
        float[] batch = new float[2 * frames * 320];
        // garbage after the short row's end: the mask must make it irrelevant
        for (int i = shortFrames * 320; i < frames * 320; i++) {
            batch[i] = (float) Math.sin(i * 0.37);
        }
        System.arraycopy(shortAudio, 0, batch, 0, shortFrames * 320);
        System.arraycopy(longAudio, 0, batch, frames * 320, frames * 320);
        try (NDManager step = manager.newSubManager()) {
            FrontendOutput alone = frontend.forward(ps, step.create(shortAudio, new Shape(1, shortFrames, 320)),
                    step.ones(new Shape(1, shortFrames)), false);
            NDArray valid = step.create(new float[]{1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
                    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, new Shape(2, frames));
            FrontendOutput padded = frontend.forward(ps, step.create(batch, new Shape(2, frames, 320)), valid, false);
            assertEquals(new Shape(2, frames, CHANNELS), padded.features().getShape());
            float[] expected = alone.features().toFloatArray();
            float[] actual = padded.features().get("0, :" + shortFrames).toFloatArray();
            double diff = maxAbsDiff(expected, actual);
            // The garbage differs from the zeros the lone row is padded with, so only a leak-free graph agrees.
            assertTrue(diff < 1e-4, norm + " norm: padding changed real frames by " + diff);
            float[] tail = padded.features().get("0, " + shortFrames + ":").toFloatArray();
            for (float v : tail) {
                assertEquals(0f, Math.abs(v));
            }
        }
    }

    @Test
    void gradientsReachEveryParameterAndTheScaleShrinksOnlyTheBackwardPass() {
        float[] full = null;
        float[] fullOutput = null;
        for (double scale : new double[]{1.0, 0.1}) {
            WaveformCnnFrontend frontend = build(config("group", scale), 5);
            ParameterStore ps = new ParameterStore(manager, false);
            try (NDManager step = manager.newSubManager()) {
                NDArray x = step.create(speechLike(0.2, 3), new Shape(1, 10, 320));
                float[] output;
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray out = frontend.forward(ps, x, step.ones(new Shape(1, 10)), true).features();
                    output = out.toFloatArray();
                    Object junk = NativeMemory.collectAndReuse();
                    collector.backward(out.square().mean());
                }
                for (Pair<String, Parameter> p : frontend.block().getParameters()) {
                    NDArray grad = p.getValue().getArray().getGradient();
                    assertTrue(grad.abs().sum().getFloat() > 0, "no gradient reached " + p.getKey());
                    grad.close();
                }
                float[] conv = Gradients.takeAll(java.util.List.of(
                        frontend.block().getParameters().get("conv3_weight")));
                if (full == null) {
                    full = conv;
                    fullOutput = output;
                } else {
                    assertArrayEquals(fullOutput, output, 1e-6f, "the scale must not change the forward pass");
                    // float32 backward passes through different graphs agree to rounding, not to the bit
                    double error = 0;
                    double norm = 0;
                    for (int i = 0; i < conv.length; i++) {
                        error += Math.pow(conv[i] - 0.1 * full[i], 2);
                        norm += Math.pow(0.1 * full[i], 2);
                    }
                    assertTrue(Math.sqrt(error / norm) < 0.01, "relative error " + Math.sqrt(error / norm));
                }
            }
        }
    }

    @Test
    void parameterCountAndFlopsMatchTheBuiltBlockAndAHandCount() {
        WaveformCnnConfig base = new WaveformCnnConfig(null, null, null, null);
        WaveformCnnFrontend frontend = build(base, 1);
        long built = 0;
        for (Parameter p : frontend.block().getParameters().values()) {
            built += p.getArray().size();
        }
        // wav2vec 2.0 Base's feature extractor (4,200,448 with its group norm) plus the layer norm after it.
        assertEquals(4_200_448 + 1024, built);
        assertEquals(built, WaveformCnnFrontend.parameterCount(base));

        // One 20 ms frame (400 samples): layer outputs 79, 39, 19, 9, 4, 2, 1 positions.
        double c = 512;
        double conv = 2 * c * (79 * 10 + c * 3 * (39 + 19 + 9 + 4) + c * 2 * (2 + 1));
        double positions = 79 + 39 + 19 + 9 + 4 + 2 + 1;
        var count = frontend.flops(1, 1).forward();
        assertEquals(conv, count.get("frontend.conv"), 1e-6 * conv);
        assertEquals(8 * c * positions, count.get("frontend.activation"), 1e-6);
        assertEquals(7 * c * 79 + 7 * c, count.get("frontend.norm"), 1e-6);
        // A second of audio: about 4.9 GFLOPs forward, 95% of it in the four kernel-3 layers.
        var second = frontend.flops(1, 50);
        assertEquals(4.95e9, second.total(), 0.05e9);
        assertTrue(2 * c * c * 3 * (1607 + 803 + 401 + 200) / second.total() > 0.95);
    }

    @Test
    void configNamesTheValidChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WaveformCnnConfig(null, "batch", null, null));
        assertTrue(e.getMessage().contains("group") && e.getMessage().contains("layer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new WaveformCnnConfig(null, null, null, 0.0));
        assertTrue(e.getMessage().contains("gradient_scale must be in (0, 1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new WaveformCnnConfig(24, null, null, null));
        assertTrue(e.getMessage().startsWith("channels must be a multiple of 16, got 24") && e.getMessage()
                .endsWith("use 16 or 32"), e.getMessage());
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
