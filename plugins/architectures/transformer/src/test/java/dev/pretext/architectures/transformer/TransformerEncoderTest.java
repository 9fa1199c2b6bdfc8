package dev.pretext.architectures.transformer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.model.EncoderOutput;
import dev.pretext.testkit.Gradients;
import dev.pretext.testkit.NativeMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the encoder on real libtorch. */
class TransformerEncoderTest {
    private static final int FEATURES = 20;
    private static final FeatureSpec SPEC = new FeatureSpec(FEATURES, 100);
    private static final TransformerConfig SMALL = new TransformerConfig(null, 2, 32, 4, 64, null, null, null, null, null, null, null, null, null);
    /** wav2vec 2.0's layout in miniature: post-LN and convolutional positions (an even kernel, as theirs). */
    private static final TransformerConfig POST_CONV = new TransformerConfig(null, 2, 32, 4, 64, null, null, "post",
            "conv", 6, 4, null, null, null);

    /** torchaudio's features encoder: a layer norm over each input frame before the projection. */
    private static final TransformerConfig PROJECTION_NORM = new TransformerConfig(null, 2, 32, 4, 64, null, null,
            "pre", "conv", 6, 4, null, null, null, true);

    static java.util.stream.Stream<TransformerConfig> layouts() {
        return java.util.stream.Stream.of(SMALL, POST_CONV, PROJECTION_NORM);
    }

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private TransformerEncoder build(TransformerConfig config, long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        TransformerEncoder encoder = new TransformerEncoder(config, SPEC);
        encoder.initialize(manager, SPEC);
        return encoder;
    }

    /** Gaussian features, deterministic per seed. */
    private static float[] randomFeatures(int count, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[count];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble()));
        }
        return x;
    }

    private static float[] validMask(int frames, int... lengths) {
        float[] valid = new float[lengths.length * frames];
        for (int b = 0; b < lengths.length; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                valid[b * frames + t] = 1f;
            }
        }
        return valid;
    }

    @Test
    void hiddenStatesHaveTheDocumentedShapesAndPaddingIsZero() {
        TransformerEncoder encoder = build(SMALL, 1);
        int batch = 3;
        int frames = 17;
        int[] lengths = {17, 9, 0};
        ParameterStore ps = new ParameterStore(manager, false);
        try (NDManager step = manager.newSubManager()) {
            NDArray features = step.create(randomFeatures(batch * frames * FEATURES, 3), new Shape(batch, frames, FEATURES));
            NDArray valid = step.create(validMask(frames, lengths), new Shape(batch, frames));
            EncoderOutput out = encoder.forward(ps, features, valid, false);
            assertEquals(SMALL.layers() + 1, out.hiddenStates().size());
            assertEquals(encoder.layers() + 1, out.hiddenStates().size());
            for (NDArray h : out.hiddenStates()) {
                assertEquals(new Shape(batch, frames, SMALL.dim()), h.getShape());
                float[] values = h.toFloatArray();
                for (int b = 0; b < batch; b++) {
                    for (int t = 0; t < frames; t++) {
                        for (int d = 0; d < SMALL.dim(); d++) {
                            float v = values[(b * frames + t) * SMALL.dim() + d];
                            assertTrue(Float.isFinite(v), "non-finite value at row " + b + " frame " + t);
                            if (t >= lengths[b]) {
                                assertTrue(v == 0f, "padded frame " + t + " of row " + b + " is " + v);
                            }
                        }
                    }
                }
            }
            // The final norm makes each real frame of the last state zero-mean across units (gain 1, shift 0).
            float[] last = out.last().toFloatArray();
            double mean = 0;
            for (int d = 0; d < SMALL.dim(); d++) {
                mean += last[d];
            }
            assertEquals(0.0, mean / SMALL.dim(), 1e-5);
        }
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void paddingDoesNotLeakIntoRealFrames(TransformerConfig config) {
        TransformerEncoder encoder = build(config, 2);
        ParameterStore ps = new ParameterStore(manager, false);
        int shortLength = 11;
        int frames = 23;
        float[] shortUtterance = randomFeatures(shortLength * FEATURES, 5);
        float[] other = randomFeatures(frames * FEATURES, 6);
        // Row 0: the short utterance followed by garbage in the padding; row 1: a full-length utterance.
        float[] garbage = randomFeatures(frames * FEATURES, 7);
        float[] batch = new float[2 * frames * FEATURES];
        System.arraycopy(garbage, 0, batch, 0, frames * FEATURES);
        System.arraycopy(shortUtterance, 0, batch, 0, shortLength * FEATURES);
        System.arraycopy(other, 0, batch, frames * FEATURES, frames * FEATURES);

        try (NDManager step = manager.newSubManager()) {
            EncoderOutput alone = encoder.forward(ps,
                    step.create(shortUtterance, new Shape(1, shortLength, FEATURES)),
                    step.create(validMask(shortLength, shortLength), new Shape(1, shortLength)), false);
            NDArray batchFeatures = step.create(batch, new Shape(2, frames, FEATURES));
            EncoderOutput padded = encoder.forward(ps, batchFeatures,
                    step.create(validMask(frames, shortLength, frames), new Shape(2, frames)), false);
            // The same batch with the padding treated as real: shows the comparison is sensitive to leaks.
            EncoderOutput leaky = encoder.forward(ps, batchFeatures,
                    step.create(validMask(frames, frames, frames), new Shape(2, frames)), false);
            for (int layer = 0; layer <= config.layers(); layer++) {
                float[] expected = alone.hiddenStates().get(layer).toFloatArray();
                float[] actual = padded.hiddenStates().get(layer).get("0, :" + shortLength).toFloatArray();
                assertTrue(maxAbsDiff(expected, actual) < 1e-4,
                        "layer " + layer + " differs by " + maxAbsDiff(expected, actual));
                if (layer > 0) {
                    float[] leaked = leaky.hiddenStates().get(layer).get("0, :" + shortLength).toFloatArray();
                    assertTrue(maxAbsDiff(expected, leaked) > 1e-3, "garbage in the padding made no difference");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void sameSeedGivesTheSameModelAndOutputs(TransformerConfig config) {
        float[] input = randomFeatures(2 * 13 * FEATURES, 11);
        float[] a = lastState(build(config, 42), input);
        float[] b = lastState(build(config, 42), input);
        float[] c = lastState(build(config, 43), input);
        assertArrayEquals(a, b);
        assertTrue(maxAbsDiff(a, c) > 1e-3, "a different seed gave the same model");
    }

    private float[] lastState(TransformerEncoder encoder, float[] input) {
        ParameterStore ps = new ParameterStore(manager, false);
        try (NDManager step = manager.newSubManager()) {
            NDArray features = step.create(input, new Shape(2, 13, FEATURES));
            NDArray valid = step.create(validMask(13, 13, 8), new Shape(2, 13));
            return encoder.forward(ps, features, valid, false).last().toFloatArray();
        }
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void gradientsReachEveryParameterIncludingTheInputProjection(TransformerConfig config) {
        TransformerEncoder encoder = build(config, 3);
        ParameterStore ps = new ParameterStore(manager, false);
        try (NDManager step = manager.newSubManager()) {
            NDArray features = step.create(randomFeatures(2 * 9 * FEATURES, 13), new Shape(2, 9, FEATURES));
            NDArray valid = step.create(validMask(9, 9, 5), new Shape(2, 9));
            NDArray target = step.create(randomFeatures(2 * 9 * config.dim(), 14), new Shape(2, 9, config.dim()));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                EncoderOutput out = encoder.forward(ps, features, valid, true);
                NDArray loss = out.last().sub(target).square().mean();
                collector.backward(loss);
            }
            boolean sawInputProjection = false;
            for (Pair<String, Parameter> p : encoder.block().getParameters()) {
                NDArray grad = p.getValue().getArray().getGradient();
                double size = grad.abs().sum().getFloat();
                assertTrue(size > 0, "no gradient reached " + p.getKey());
                sawInputProjection |= p.getKey().contains("input_projection");
                grad.close();
            }
            assertTrue(sawInputProjection);
        }
    }

    /** The gradient of every parameter, flattened, after one forward and backward pass. */
    private float[] gradients(TransformerEncoder encoder, boolean collectGarbageBeforeBackward) {
        ParameterStore ps = new ParameterStore(manager, false);
        try (NDManager step = manager.newSubManager()) {
            NDArray features = step.create(randomFeatures(2 * 9 * FEATURES, 13), new Shape(2, 9, FEATURES));
            NDArray valid = step.create(validMask(9, 9, 5), new Shape(2, 9));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = encoder.forward(ps, features, valid, true).last().square().mean();
                Object junk = collectGarbageBeforeBackward ? NativeMemory.collectAndReuse() : null;
                collector.backward(loss);
            }
            return Gradients.takeAll(encoder.block().getParameters().values());
        }
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void gradientsDoNotDependOnWhenTheGarbageCollectorRuns(TransformerConfig config) {
        // DJL frees the operand of op(Number) right after the op while autograd still holds it; an encoder
        // that used mul(Number) on the gradient path produced garbage gradients whenever GC ran in between.
        TransformerEncoder encoder = build(config, 3);
        float[] quiet = gradients(encoder, false);
        for (int round = 0; round < 3; round++) {
            assertArrayEquals(quiet, gradients(encoder, true), "gradients changed after a garbage collection");
        }
    }

    @Test
    void dropoutActsOnlyWhenTraining() {
        TransformerConfig withDropout = new TransformerConfig(null, 2, 32, 4, 64, null, null, null, null, null, null, 0.3, null, null);
        TransformerEncoder encoder = build(withDropout, 4);
        ParameterStore ps = new ParameterStore(manager, false);
        try (NDManager step = manager.newSubManager()) {
            NDArray features = step.create(randomFeatures(2 * 8 * FEATURES, 21), new Shape(2, 8, FEATURES));
            NDArray valid = step.create(validMask(8, 8, 8), new Shape(2, 8));
            float[] eval1 = encoder.forward(ps, features, valid, false).last().toFloatArray();
            float[] eval2 = encoder.forward(ps, features, valid, false).last().toFloatArray();
            float[] train = encoder.forward(ps, features, valid, true).last().toFloatArray();
            assertArrayEquals(eval1, eval2);
            assertTrue(maxAbsDiff(eval1, train) > 1e-3, "dropout had no effect in training");
        }
    }

    @Test
    void parameterCountMatchesTheBuiltBlock() {
        for (TransformerConfig config : new TransformerConfig[]{SMALL,
                new TransformerConfig("tiny", null, null, null, null, null, null, null, null, null, null, null, null, null),
                new TransformerConfig(null, 1, 12, 3, 20, null, null, null, null, null, null, null, null, null),
                POST_CONV, PROJECTION_NORM, new TransformerConfig("tiny", null, null, null, null, null, 2.0, null, "conv", null, null,
                null, null, null)}) {
            TransformerEncoder encoder = build(config, 5);
            long built = 0;
            for (Parameter p : encoder.block().getParameters().values()) {
                built += p.getArray().size();
            }
            assertEquals(built, TransformerEncoder.parameterCount(config, FEATURES), config.toString());
        }
    }

    @Test
    void layerDropSkipsWholeLayersOnlyWhenTrainingAndCountsWhatRan() {
        TransformerConfig dropping = new TransformerConfig(null, 6, 32, 4, 64, null, null, null, null, null, null,
                null, 0.5, null);
        TransformerEncoder encoder = build(dropping, 8);
        ParameterStore ps = new ParameterStore(manager, false);
        int skippedSomewhere = 0;
        try (NDManager step = manager.newSubManager()) {
            NDArray features = step.create(randomFeatures(2 * 9 * FEATURES, 21), new Shape(2, 9, FEATURES));
            NDArray valid = step.create(validMask(9, 9, 5), new Shape(2, 9));
            EncoderOutput eval = encoder.forward(ps, features, valid, false);
            assertNull(eval.executed(), "nothing is skipped at evaluation");
            double full = encoder.flops(2, 9).total();
            for (int draw = 0; draw < 5; draw++) {
                Engine.getInstance().setRandomSeed(100 + draw);
                EncoderOutput out = encoder.forward(ps, features, valid, true);
                int unchanged = 0;
                for (int l = 1; l <= dropping.layers(); l++) {
                    float[] before = out.hiddenStates().get(l - 1).toFloatArray();
                    float[] after = out.hiddenStates().get(l).toFloatArray();
                    // The last state is normalised even when its layer was skipped; compare the others.
                    if (l < dropping.layers() && maxAbsDiff(before, after) == 0) {
                        unchanged++;
                    }
                }
                skippedSomewhere += unchanged;
                double ffnPerLayer = encoder.flops(2, 9).forward().get("encoder.ffn") / dropping.layers();
                double ran = out.executed().forward().get("encoder.ffn") / ffnPerLayer;
                assertTrue(ran <= dropping.layers() - unchanged + 1e-9, "counted " + ran + " layers, " + unchanged
                        + " were skipped");
                assertTrue(out.executed().total() <= full);
                Engine.getInstance().setRandomSeed(100 + draw);
                float[] again = encoder.forward(ps, features, valid, true).last().toFloatArray();
                assertArrayEquals(out.last().toFloatArray(), again, "the same engine seed skips the same layers");
            }
        }
        assertTrue(skippedSomewhere > 0, "layer_drop 0.5 never skipped a layer in 5 batches of 6 layers");
    }

    @Test
    void aCausalEncoderNeverLooksAhead() {
        TransformerConfig causal = new TransformerConfig(null, 2, 32, 4, 64, null, null, null, null, null, null, null,
                null, true);
        TransformerEncoder encoder = build(causal, 4);
        assertTrue(encoder.causal());
        ParameterStore ps = new ParameterStore(manager, false);
        float[] input = randomFeatures(12 * FEATURES, 31);
        float[] changedFuture = input.clone();
        for (int i = 8 * FEATURES; i < changedFuture.length; i++) {
            changedFuture[i] += 1f;
        }
        try (NDManager step = manager.newSubManager()) {
            NDArray valid = step.ones(new Shape(1, 12));
            EncoderOutput a = encoder.forward(ps, step.create(input, new Shape(1, 12, FEATURES)), valid, false);
            EncoderOutput b = encoder.forward(ps, step.create(changedFuture, new Shape(1, 12, FEATURES)), valid, false);
            float[] pastA = a.last().get("0, :8").toFloatArray();
            float[] pastB = b.last().get("0, :8").toFloatArray();
            assertTrue(maxAbsDiff(pastA, pastB) < 1e-5, "frames 0-7 changed with frames 8-11");
            assertTrue(maxAbsDiff(a.last().get("0, 8:").toFloatArray(), b.last().get("0, 8:").toFloatArray()) > 1e-3);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TransformerConfig(null, 2, 32, 4, 64, null, null, null, "conv", null, 4, null, null, true));
        assertTrue(e.getMessage().contains("sinusoidal"), e.getMessage());
    }

    @Test
    void rejectsFeaturesOfTheWrongWidth() {
        TransformerEncoder encoder = build(SMALL, 6);
        ParameterStore ps = new ParameterStore(manager, false);
        try (NDManager step = manager.newSubManager()) {
            NDArray features = step.zeros(new Shape(1, 4, FEATURES + 1));
            NDArray valid = step.ones(new Shape(1, 4));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> encoder.forward(ps, features, valid, false));
            assertTrue(e.getMessage().contains("[batch, frames, " + FEATURES + "]"), e.getMessage());
            assertFalse(e.getMessage().isBlank());
        }
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
