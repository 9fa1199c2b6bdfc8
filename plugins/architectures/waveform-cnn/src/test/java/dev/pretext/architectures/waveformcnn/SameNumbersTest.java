package dev.pretext.architectures.waveformcnn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.pretext.testkit.Gradients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The frontend's numbers are those of the formulation it had before its group norm became libtorch's layer norm over
 * time (waveform-cnn 1.1.0: a masked mean and variance written out in eight array operations), kept here as the
 * reference: outputs and every parameter's gradient agree to float rounding, on padded batches too. And the same
 * seed gives the same numbers, bit for bit.
 */
class SameNumbersTest {
    private static final float EPS = 1e-5f;
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** waveform-cnn 1.1.0's forward pass, on the frontend's own parameters. */
    static NDArray reference(WaveformCnnFrontend frontend, NDArray frames, NDArray valid) {
        WaveformCnnConfig config = frontend.config();
        Map<String, Parameter> p = new java.util.LinkedHashMap<>();
        frontend.block().getParameters().forEach(e -> p.put(e.getKey(), e.getValue()));
        NDManager manager = frames.getManager();
        int batch = (int) frames.getShape().get(0);
        int count = (int) frames.getShape().get(1);
        int c = config.channels();
        NDArray x = frames.mul(valid.reshape(batch, count, 1)).reshape(batch, 1, (long) count * 320)
                .concat(manager.zeros(new Shape(batch, 1, 80)), 2);
        float[] lengths = valid.sum(new int[]{1}).toFloatArray();
        long[] real = new long[batch];
        for (int b = 0; b < batch; b++) {
            real[b] = lengths[b] > 0 ? (long) lengths[b] * 320 + 80 : 0;
        }
        for (int i = 0; i < ConvFeatureEncoder.KERNELS.length; i++) {
            NDArray w = p.get("conv" + i + "_weight").getArray();
            NDArray bias = config.convBias() ? p.get("conv" + i + "_bias").getArray() : null;
            x = Conv1d.conv1d(x, w, bias, new Shape(ConvFeatureEncoder.STRIDES[i]), new Shape(0), new Shape(1), 1)
                    .head();
            for (int r = 0; r < batch; r++) {
                real[r] = real[r] >= ConvFeatureEncoder.KERNELS[i]
                        ? (real[r] - ConvFeatureEncoder.KERNELS[i]) / ConvFeatureEncoder.STRIDES[i] + 1 : 0;
            }
            if (config.norm().equals("layer") || i == 0) {
                NDArray gamma = p.get("norm" + i + "_gamma").getArray();
                NDArray beta = p.get("norm" + i + "_beta").getArray();
                x = config.norm().equals("layer")
                        ? LayerNorm.layerNorm(x.transpose(0, 2, 1), new Shape(c), gamma, beta, EPS).head()
                        .transpose(0, 2, 1)
                        : maskedTimeNorm(x, real, gamma, beta);
            }
            x = Activation.gelu(x);
        }
        NDArray out = LayerNorm.layerNorm(x.transpose(0, 2, 1), new Shape(c), p.get("output_norm_gamma").getArray(),
                p.get("output_norm_beta").getArray(), EPS).head();
        return out.mul(valid.reshape(batch, count, 1));
    }

    private static NDArray maskedTimeNorm(NDArray x, long[] real, NDArray gamma, NDArray beta) {
        int batch = (int) x.getShape().get(0);
        int positions = (int) x.getShape().get(2);
        float[] mask = new float[batch * positions];
        float[] counts = new float[batch];
        for (int b = 0; b < batch; b++) {
            int n = (int) Math.min(real[b], positions);
            for (int t = 0; t < n; t++) {
                mask[b * positions + t] = 1f;
            }
            counts[b] = Math.max(n, 1);
        }
        NDManager manager = x.getManager();
        NDArray m = manager.create(mask, new Shape(batch, 1, positions));
        NDArray n = manager.create(counts, new Shape(batch, 1, 1));
        NDArray mean = x.mul(m).sum(new int[]{2}, true).div(n);
        NDArray centred = x.sub(mean).mul(m);
        NDArray variance = centred.square().sum(new int[]{2}, true).div(n);
        NDArray normed = centred.div(variance.add(EPS).sqrt());
        long channels = x.getShape().get(1);
        return normed.mul(gamma.reshape(1, channels, 1)).add(beta.reshape(1, channels, 1));
    }

    /** Output and gradients of one pass (loss: a fixed random projection of the output, summed). */
    private record Pass(float[] output, float[] gradients) {
    }

    private Pass pass(WaveformCnnFrontend frontend, float[] audio, float[] mask, int rows, int frames, boolean ref) {
        ParameterStore ps = new ParameterStore(manager, false);
        try (NDManager step = manager.newSubManager()) {
            NDArray x = step.create(audio, new Shape(rows, frames, 320));
            NDArray valid = step.create(mask, new Shape(rows, frames));
            float[] out;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = ref ? reference(frontend, x, valid) : frontend.forward(ps, x, valid, true).features();
                out = y.toFloatArray();
                float[] weights = new float[out.length];
                SplittableRandom random = new SplittableRandom(9);
                for (int i = 0; i < weights.length; i++) {
                    weights[i] = (float) random.nextGaussian();
                }
                collector.backward(y.mul(step.create(weights, y.getShape())).sum());
            }
            return new Pass(out, Gradients.takeAll(frontend.block().getParameters().values()));
        }
    }

    private WaveformCnnFrontend build(WaveformCnnConfig config) {
        Engine.getInstance().setRandomSeed(4);
        WaveformCnnFrontend frontend = new WaveformCnnFrontend(config);
        frontend.initialize(manager);
        // non-trivial gains, shifts and biases, so that their gradients and effects are checked too
        for (Parameter p : frontend.block().getParameters().values()) {
            if (p.getArray().getShape().dimension() == 1) {
                p.getArray().addi(manager.randomUniform(-0.5f, 0.5f, p.getArray().getShape()));
            }
        }
        return frontend;
    }

    @ParameterizedTest
    @CsvSource({"group, false, 32", "group, true, 16", "layer, false, 16", "layer, true, 32"})
    void sameOutputsAndGradientsAsTheMaskedFormulation(String norm, boolean convBias, int channels) {
        int rows = 3;
        int frames = 15;
        // row 0 full, row 1 eleven frames (with garbage after them), row 2 four frames
        int[] lengths = {15, 11, 4};
        SplittableRandom random = new SplittableRandom(5);
        float[] audio = new float[rows * frames * 320];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) (0.3 * Math.sin(i * 0.05 + (i % 7)) + 0.05 * random.nextGaussian());
        }
        float[] mask = new float[rows * frames];
        for (int b = 0; b < rows; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                mask[b * frames + t] = 1;
            }
        }
        WaveformCnnFrontend frontend = build(new WaveformCnnConfig(channels, norm, convBias, null));
        Pass now = pass(frontend, audio, mask, rows, frames, false);
        Pass before = pass(frontend, audio, mask, rows, frames, true);
        assertClose(before.output(), now.output(), 1e-5, norm + " output");
        assertClose(before.gradients(), now.gradients(), 1e-4, norm + " gradients");
        // and one unpadded batch (the single-call path of the group norm)
        float[] full = new float[rows * frames];
        java.util.Arrays.fill(full, 1f);
        now = pass(frontend, audio, full, rows, frames, false);
        before = pass(frontend, audio, full, rows, frames, true);
        assertClose(before.output(), now.output(), 1e-5, norm + " output, no padding");
        assertClose(before.gradients(), now.gradients(), 1e-4, norm + " gradients, no padding");
    }

    @ParameterizedTest
    @CsvSource({"group", "layer"})
    void theSameSeedGivesTheSameNumbersBitForBit(String norm) {
        int rows = 2;
        int frames = 9;
        float[] audio = new float[rows * frames * 320];
        SplittableRandom random = new SplittableRandom(6);
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) (0.1 * random.nextGaussian());
        }
        float[] mask = new float[rows * frames];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = i < frames + 6 ? 1 : 0;
        }
        List<Pass> passes = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            passes.add(pass(build(new WaveformCnnConfig(16, norm, null, null)), audio, mask, rows, frames, false));
        }
        assertArrayEquals(passes.get(0).output(), passes.get(1).output());
        assertArrayEquals(passes.get(0).gradients(), passes.get(1).gradients());
    }

    /** Largest difference relative to the largest magnitude of the reference. */
    private static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length);
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
            assertTrue(Float.isFinite(actual[i]), what + ": not finite at " + i);
        }
        assertTrue(scale > 0, what + ": all zero");
        assertTrue(diff <= tolerance * scale, what + ": max |difference| " + diff + " against max |value| " + scale);
    }
}
