package dev.pretext.objectives.mam;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.model.Encoder;
import dev.pretext.api.model.EncoderCall;
import dev.pretext.api.model.Objective;
import dev.pretext.api.model.ObjectiveResult;
import dev.pretext.architectures.transformer.TransformerConfig;
import dev.pretext.architectures.transformer.TransformerEncoder;
import dev.pretext.testkit.ObjectiveContract;
import dev.pretext.testkit.RecordingMeter;
import dev.pretext.testkit.SpectralBatch;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The objective on real libtorch, with a real (tiny) Transformer and features of real test signals: the shared
 * objective contract, plus what is particular to masked acoustic modelling.
 */
class MamObjectiveTest extends ObjectiveContract {
    private static final TransformerConfig ENCODER = TransformerConfig.shape(2, 32, 4, 64);

    /** The configuration the next {@link #build} uses. */
    private MamConfig config = new MamConfig(null, null, null, null);

    @Override
    protected Objective newObjective(FeatureSpec spec) {
        return new MamObjective(config, spec);
    }

    @Override
    protected Encoder newEncoder(FeatureSpec spec) {
        return new TransformerEncoder(ENCODER, spec);
    }

    @Test
    void theHeadReportsItsFlopsByFormulaAndTheMaskShares() {
        Model model = build(1);
        RecordingMeter meter = new RecordingMeter();
        SpectralBatch data = data();
        try (NDManager step = manager().newSubManager()) {
            ObjectiveResult result = forward(model, data.batch(step, 3), meter, new RecordingMeter(), true);
            float maskedFrames = result.metrics().get("masked_frames").getFloat();
            assertTrue(maskedFrames > 0.05 && maskedFrames < 0.3, "masked_frames " + maskedFrames);
            assertTrue(result.metrics().containsKey("masked_bins"));
        }
        assertEquals(1, meter.entries().size());
        assertTrue(meter.entries().get(0).withGradients());
        int bins = data.bins();
        double n = (double) data.size() * data.frames();
        double d = ENCODER.dim();
        double expectedHead = 2 * n * d * d + n * d + 8 * n * d + 7 * n * d + 2 * n * d * bins + n * bins;
        assertEquals(expectedHead, meter.entries().get(0).forward().forward().get("objective.mam.head"));
    }

    @Test
    void maskedInputFollowsThePlanAndPaddingStaysZero() {
        config = new MamConfig(0.3, 5, 1.0, 0.25);
        Model model = build(2);
        SpectralBatch data = data();
        int bins = data.bins();
        int frames = data.frames();
        int[] lengths = data.lengths();
        MaskPlan plan = MaskPlan.draw(lengths, frames, bins, config, new SplittableRandom(8));
        float[][] seen = new float[1][];
        try (NDManager step = manager().newSubManager()) {
            ParameterStore ps = new ParameterStore(step, false);
            EncoderCall spy = (f, v) -> {
                seen[0] = f.toFloatArray();
                return model.encoder().forward(ps, f, v, false);
            };
            // The objective draws its plan first from the batch's stream, so the same seed gives this plan.
            model.objective().forward(data.batch(step, 8), spy, ps, new RecordingMeter(), false);
        }
        float[] features = data.features();
        int zeroed = 0;
        for (int b = 0; b < lengths.length; b++) {
            for (int t = 0; t < frames; t++) {
                int at = b * frames + t;
                for (int f = 0; f < bins; f++) {
                    float actual = seen[0][at * bins + f];
                    if (t >= lengths[b]) {
                        assertEquals(0f, actual, 0f, "padding changed");
                        continue;
                    }
                    float expected = features[plan.sourceFrame()[at] * bins + f]
                            * plan.frameKeep()[at] * plan.binKeep()[b * bins + f];
                    assertEquals(expected, actual, 0f, "utterance " + b + " frame " + t + " bin " + f);
                }
                zeroed += plan.frameKeep()[at] == 0f ? 1 : 0;
            }
        }
        assertTrue(zeroed > 0, "nothing was zeroed");
        assertTrue(plan.maskedBins() > 0, "no frequency band was drawn");
    }
}
