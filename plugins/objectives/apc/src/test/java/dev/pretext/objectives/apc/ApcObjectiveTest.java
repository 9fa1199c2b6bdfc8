package dev.pretext.objectives.apc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.model.Encoder;
import dev.pretext.api.model.EncoderCall;
import dev.pretext.api.model.EncoderOutput;
import dev.pretext.api.model.NetworkShape;
import dev.pretext.api.model.Objective;
import dev.pretext.architectures.transformer.TransformerConfig;
import dev.pretext.architectures.transformer.TransformerEncoder;
import dev.pretext.testkit.ObjectiveContract;
import dev.pretext.testkit.RecordingMeter;
import dev.pretext.testkit.SpectralBatch;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared objective contract on a causal Transformer, plus what is particular to APC. */
class ApcObjectiveTest extends ObjectiveContract {
    static final TransformerConfig CAUSAL = new TransformerConfig(null, 2, 32, 4, 64, null, null, null, null, null,
            null, null, null, true);

    private ApcConfig config = new ApcConfig(null, null);

    @Override
    protected Objective newObjective(FeatureSpec spec) {
        return new ApcObjective(config);
    }

    @Override
    protected Encoder newEncoder(FeatureSpec spec) {
        return new TransformerEncoder(CAUSAL, spec);
    }

    @Override
    protected boolean usesBatchRandomness() {
        return false;
    }

    @Test
    void refusesAnEncoderThatSeesTheFuture() {
        ApcObjective objective = new ApcObjective(config);
        objective.initialize(manager(), new NetworkShape(spec(), spec(), 16, 1, true));
        try (NDManager step = manager().newSubManager()) {
            EncoderCall bidirectional = (f, v) -> new EncoderOutput(List.of(f), v);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> objective.forward(
                    data().batch(step, 1), bidirectional, new ParameterStore(step, false), new RecordingMeter(), true));
            assertTrue(e.getMessage().contains("encoder: {type: transformer, ..., causal: true}"), e.getMessage());
        }
    }

    /** With the hidden state equal to the input and an identity head, the loss is the distance to frame t + shift. */
    private float identityLoss(ApcConfig config) {
        SpectralBatch data = data();
        int bins = data.bins();
        ApcObjective objective = new ApcObjective(config);
        objective.initialize(manager(), new NetworkShape(spec(), spec(), bins, 1, true));
        float[] identity = new float[bins * bins];
        for (int i = 0; i < bins; i++) {
            identity[i * bins + i] = 1f;
        }
        for (Parameter p : objective.block().getParameters().values()) {
            NDArray array = p.getArray();
            array.set(FloatBuffer.wrap(p.getType() == Parameter.Type.WEIGHT ? identity : new float[bins]));
        }
        EncoderCall passThrough = new EncoderCall() {
            @Override
            public EncoderOutput apply(NDArray features, NDArray valid) {
                return new EncoderOutput(List.of(features), valid);
            }

            @Override
            public boolean causal() {
                return true;
            }
        };
        try (NDManager step = manager().newSubManager()) {
            return objective.forward(data.batch(step, 1), passThrough, new ParameterStore(step, false),
                    new RecordingMeter(), false).loss().getFloat();
        }
    }

    private double expectedLoss(int shift, boolean squared) {
        SpectralBatch data = data();
        int bins = data.bins();
        double sum = 0;
        long count = 0;
        for (int b = 0; b < data.size(); b++) {
            for (int t = 0; t + shift < data.lengths()[b]; t++) {
                for (int f = 0; f < bins; f++) {
                    double diff = data.features()[(b * data.frames() + t + shift) * bins + f]
                            - data.features()[(b * data.frames() + t) * bins + f];
                    sum += squared ? diff * diff : Math.abs(diff);
                    count++;
                }
            }
        }
        return sum / count;
    }

    @Test
    void predictsTheFrameShiftStepsAheadOfRealFramesOnly() {
        assertEquals(expectedLoss(3, false), identityLoss(new ApcConfig(null, null)), 1e-4);
        assertEquals(expectedLoss(5, false), identityLoss(new ApcConfig(5, "l1")), 1e-4);
        assertEquals(expectedLoss(1, true), identityLoss(new ApcConfig(1, "l2")), 1e-4);
    }

    @Test
    void theHeadReportsItsFlopsByFormula() {
        Model model = build(1);
        RecordingMeter meter = new RecordingMeter();
        SpectralBatch data = data();
        try (NDManager step = manager().newSubManager()) {
            float share = forward(model, data.batch(step, 1), meter, new RecordingMeter(), true).metrics()
                    .get("predicted_frames").getFloat();
            assertTrue(share > 0.9 && share < 1, "predicted_frames " + share);
        }
        double n = (double) data.size() * (data.frames() - 3);
        double d = CAUSAL.dim();
        double f = data.bins();
        assertEquals(1, meter.entries().size());
        assertEquals(2 * n * d * f + n * f, meter.entries().get(0).forward().forward().get("objective.apc.head"));
        assertEquals(4 * n * f, meter.entries().get(0).forward().forward().get("objective.apc.loss"));
    }

    @Test
    void utterancesShorterThanTheShiftGiveAZeroLoss() {
        config = new ApcConfig(10_000, null);
        Model model = build(1);
        try (NDManager step = manager().newSubManager()) {
            assertEquals(0f, forward(model, data().batch(step, 1), new RecordingMeter(), new RecordingMeter(), true)
                    .loss().getFloat(), 0f);
        }
    }
}
