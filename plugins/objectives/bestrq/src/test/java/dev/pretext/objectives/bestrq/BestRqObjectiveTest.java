package dev.pretext.objectives.bestrq;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.model.Encoder;
import dev.pretext.api.model.EncoderCall;
import dev.pretext.api.model.Objective;
import dev.pretext.api.model.ObjectiveResult;
import dev.pretext.architectures.transformer.TransformerConfig;
import dev.pretext.architectures.transformer.TransformerEncoder;
import dev.pretext.objectives.support.SpanMask;
import dev.pretext.testkit.ObjectiveContract;
import dev.pretext.testkit.RecordingMeter;
import dev.pretext.testkit.SpectralBatch;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared objective contract, plus what is particular to BEST-RQ. */
class BestRqObjectiveTest extends ObjectiveContract {
    private static final TransformerConfig ENCODER = TransformerConfig.shape(2, 32, 4, 64);
    private static final long RUN_SEED = 7;

    private BestRqConfig config = new BestRqConfig(null, null, null, null, null, null);

    @Override
    protected Objective newObjective(FeatureSpec spec) {
        return new BestRqObjective(config, runContext(RUN_SEED));
    }

    @Override
    protected Encoder newEncoder(FeatureSpec spec) {
        return new TransformerEncoder(ENCODER, spec);
    }

    private BestRqObjective objective(long runSeed) {
        BestRqObjective objective = new BestRqObjective(config, runContext(runSeed));
        objective.initialize(manager(), shape(spec(), spec(), new TransformerEncoder(ENCODER, spec())));
        return objective;
    }

    private long[] labels(BestRqObjective objective) {
        try (NDManager step = manager().newSubManager()) {
            return objective.labels(data().batch(step, 1));
        }
    }

    @Test
    void theQuantiserIsFrozenAndComesBackFromTheRunSeed() {
        BestRqObjective first = objective(RUN_SEED);
        BestRqObjective resumed = objective(RUN_SEED);
        // only the head is trained and checkpointed: weight and bias
        assertEquals(2, first.block().getParameters().size());
        assertArrayEquals(first.quantizer().projection(), resumed.quantizer().projection());
        assertArrayEquals(first.quantizer().codebook(), resumed.quantizer().codebook());
        assertArrayEquals(labels(first), labels(resumed));
        assertFalse(Arrays.equals(labels(first), labels(objective(RUN_SEED + 1))), "another run seed, same labels");
        RandomQuantizer q = first.quantizer();
        for (int c = 0; c < q.codes(); c++) {
            double norm = 0;
            for (int j = 0; j < q.dim(); j++) {
                norm += q.codebook()[c * q.dim() + j] * q.codebook()[c * q.dim() + j];
            }
            assertEquals(1.0, norm, 1e-5, "code " + c + " is not unit length");
        }
    }

    @Test
    void labelsAreTheNearestCodeByCosineOfTheStackedNormalisedFrames() {
        BestRqObjective objective = objective(RUN_SEED);
        RandomQuantizer q = objective.quantizer();
        SpectralBatch data = data();
        int bins = data.bins();
        int stack = config.stack();
        int groups = (data.frames() + stack - 1) / stack;
        long[] labels = labels(objective);
        // The batch is normalised per bin over all rows; the objective normalises each row on its own.
        for (int b = 0; b < data.size(); b++) {
            int length = data.lengths()[b];
            double[][] stats = rowStatistics(data, b);
            double[] mean = stats[0];
            double[] std = stats[1];
            int agree = 0;
            int real = (length + stack - 1) / stack;
            for (int g = 0; g < real; g++) {
                double[] z = new double[q.dim()];
                for (int i = 0; i < stack * bins; i++) {
                    int t = g * stack + i / bins;
                    int f = i % bins;
                    double x = t < length ? (data.features()[(b * data.frames() + t) * bins + f] - mean[f]) / std[f] : 0;
                    for (int j = 0; j < q.dim(); j++) {
                        z[j] += x * q.projection()[i * q.dim() + j];
                    }
                }
                int best = -1;
                double bestCosine = -2;
                double zNorm = Math.sqrt(Arrays.stream(z).map(v -> v * v).sum());
                for (int c = 0; c < q.codes(); c++) {
                    double dot = 0;
                    for (int j = 0; j < q.dim(); j++) {
                        dot += z[j] * q.codebook()[c * q.dim() + j];
                    }
                    if (dot / zNorm > bestCosine) {
                        bestCosine = dot / zNorm;
                        best = c;
                    }
                }
                agree += labels[b * groups + g] == best ? 1 : 0;
            }
            // float32 against double: a near tie may flip a label or two
            assertTrue(agree >= real - 1, "row " + b + ": " + agree + " of " + real + " labels agree");
        }
    }

    @Test
    void maskedSpansAreNoiseAroundTheMeanAndTheRestIsUntouched() {
        config = new BestRqConfig(64, null, 2, 0.5, 3, 0.1);
        Model model = build(3);
        SpectralBatch data = data();
        int bins = data.bins();
        int frames = data.frames();
        float[][] seen = new float[1][];
        float[] input;
        try (NDManager step = manager().newSubManager()) {
            ParameterStore ps = new ParameterStore(step, false);
            EncoderCall spy = (f, v) -> {
                seen[0] = f.toFloatArray();
                return model.encoder().forward(ps, f, v, false);
            };
            input = data.withGarbagePadding(2);
            model.objective().forward(data.batch(step, input, 8), spy, ps, new RecordingMeter(), false);
        }
        int groups = (frames + 1) / 2;
        int[] realGroups = new int[data.size()];
        for (int b = 0; b < data.size(); b++) {
            realGroups[b] = (data.lengths()[b] + 1) / 2;
        }
        // the objective draws its mask first from the batch's stream
        SpanMask mask = SpanMask.draw(realGroups, groups, 0.5, 3, SpanMask.Placement.NON_OVERLAPPING,
                new SplittableRandom(8));
        int maskedFrames = 0;
        double squaredDeviation = 0;
        for (int b = 0; b < data.size(); b++) {
            double[][] stats = rowStatistics(data, b);
            for (int t = 0; t < frames; t++) {
                boolean masked = t < data.lengths()[b] && mask.masked()[b * groups + t / 2] == 1f;
                maskedFrames += masked ? bins : 0;
                for (int f = 0; f < bins; f++) {
                    int at = (b * frames + t) * bins + f;
                    if (masked) {
                        double z = (seen[0][at] - stats[0][f]) / stats[1][f];
                        squaredDeviation += z * z;
                    } else {
                        assertEquals(input[at], seen[0][at], 0f, "row " + b + " frame " + t + " changed");
                    }
                }
            }
        }
        assertTrue(maskedFrames > 0, "nothing masked");
        // noise_std 0.1 of the row's standard deviation around its mean
        double rms = Math.sqrt(squaredDeviation / maskedFrames);
        assertEquals(0.1, rms, 0.02, "masked frames should be noise around the utterance mean");
    }

    /** Per-bin mean and standard deviation of one row's real frames: {means, stds}. */
    private static double[][] rowStatistics(SpectralBatch data, int row) {
        int bins = data.bins();
        int length = data.lengths()[row];
        double[] mean = new double[bins];
        double[] std = new double[bins];
        for (int f = 0; f < bins; f++) {
            double sum = 0;
            for (int t = 0; t < length; t++) {
                sum += data.features()[(row * data.frames() + t) * bins + f];
            }
            mean[f] = sum / length;
            double squares = 0;
            for (int t = 0; t < length; t++) {
                double d = data.features()[(row * data.frames() + t) * bins + f] - mean[f];
                squares += d * d;
            }
            std[f] = Math.sqrt(squares / length + 1e-5);
        }
        return new double[][]{mean, std};
    }

    @Test
    void metricsAndFlops() {
        Model model = build(1);
        RecordingMeter meter = new RecordingMeter();
        SpectralBatch data = data();
        try (NDManager step = manager().newSubManager()) {
            ObjectiveResult result = forward(model, data.batch(step, 2), meter, new RecordingMeter(), true);
            float accuracy = result.metrics().get("masked_accuracy").getFloat();
            float perplexity = result.metrics().get("code_perplexity").getFloat();
            float share = result.metrics().get("masked_share").getFloat();
            assertTrue(accuracy >= 0 && accuracy <= 1, "masked_accuracy " + accuracy);
            assertTrue(perplexity > 5 && perplexity <= config.codebookSize(), "code_perplexity " + perplexity);
            assertTrue(share > 0.2 && share < 0.6, "masked_share " + share);
        }
        assertEquals(2, meter.entries().size());
        assertTrue(meter.entries().get(0).withGradients());
        assertFalse(meter.entries().get(1).withGradients(), "the frozen quantiser has no backward pass");
        double labels = data.size() * (double) Math.floorDiv(data.frames() + 3, 4);
        assertEquals(2 * labels * ENCODER.dim() * 1024 + labels * 1024,
                meter.entries().get(0).forward().forward().get("objective.bestrq.head"));
        assertTrue(meter.forward("objective.bestrq.targets") > 0);
    }

    @Test
    void spanMasksCoverTheRequestedShareWithoutTouchingPadding() {
        SplittableRandom rng = new SplittableRandom(5);
        long masked = 0;
        long real = 0;
        for (int i = 0; i < 2000; i++) {
            int[] lengths = {rng.nextInt(0, 60), rng.nextInt(0, 60), 60};
            SpanMask mask = SpanMask.draw(lengths, 60, 0.4, 5, SpanMask.Placement.NON_OVERLAPPING, rng);
            int counted = 0;
            for (int b = 0; b < lengths.length; b++) {
                for (int t = 0; t < 60; t++) {
                    float m = mask.masked()[b * 60 + t];
                    counted += (int) m;
                    if (t >= lengths[b]) {
                        assertEquals(0f, m, "padding masked");
                    }
                }
                real += lengths[b];
            }
            assertEquals(mask.count(), counted, "spans overlap or were miscounted");
            masked += counted;
        }
        assertEquals(0.4, masked / (double) real, 0.02);
        assertNotEquals(0, masked);
    }
}
