package dev.pretext.core.plan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.model.Encoder;
import dev.pretext.api.model.EncoderOutput;
import dev.pretext.api.model.FlopCount;
import dev.pretext.api.model.Frontend;
import dev.pretext.core.data.BatchPlanner;
import dev.pretext.core.model.UpstreamModel;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The planner's arithmetic on batches whose cost is known by hand: 10 FLOPs per padded frame and row. */
class BudgetPlanTest {
    /** 100 frames per second, made by nothing: the plan never extracts features. */
    private static final class Frames implements Frontend {
        @Override
        public FeatureSpec spec() {
            return new FeatureSpec(4, 100);
        }

        @Override
        public Features extract(Waveform waveform) {
            throw new UnsupportedOperationException("the plan counts, it does not extract");
        }

        @Override
        public double flopsPerFrame() {
            return 0;
        }
    }

    private static final class TenPerFrame implements Encoder {
        @Override
        public Block block() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void initialize(NDManager manager, FeatureSpec input) {
        }

        @Override
        public int dim() {
            return 8;
        }

        @Override
        public int layers() {
            return 1;
        }

        @Override
        public EncoderOutput forward(ParameterStore parameters, NDArray features, NDArray valid, boolean training) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FlopCount flops(int batch, int frames) {
            return FlopCount.of("encoder.body", 10.0 * batch * frames);
        }
    }

    private static List<Utterance> utterances(double... seconds) {
        return java.util.stream.IntStream.range(0, seconds.length)
                .mapToObj(i -> new Utterance("u" + i, Path.of("u" + i + ".wav"), seconds[i], "s", null, null))
                .toList();
    }

    private static final UpstreamModel MODEL = new UpstreamModel(new Frames(), new TenPerFrame());

    @Test
    void theMeanStepCountsPaddedFramesOfTheFirstEpochsBatches() {
        // 0.5 s and 0.5 s share a batch (50 frames each); 1.0 s and 1.0 s the next (100 frames each)
        BatchPlanner planner = new BatchPlanner(utterances(1.0, 0.5, 1.0, 0.5), 2.0, 5, 1);
        BudgetPlan.Step step = BudgetPlan.meanStep(MODEL, planner, 1);
        assertEquals(2, step.batches());
        assertEquals((10 * 2 * 50 + 10 * 2 * 100) / 2.0, step.forward().total(), 1e-9);
        assertEquals(Map.of("encoder.body", 1500.0), step.forward().forward());
        assertEquals(1.5, step.audioSeconds(), 1e-12);
        assertEquals(0, step.paddingShare(), 1e-12);
    }

    @Test
    void paddingAndAccumulationAreCounted() {
        // one batch: 0.6 s padded to 1.0 s; two micro-batches make a step
        BatchPlanner planner = new BatchPlanner(utterances(1.0, 0.6), 2.0, 5, 1);
        BudgetPlan.Step step = BudgetPlan.meanStep(MODEL, planner, 2);
        assertEquals(1, step.batches());
        assertEquals(2 * (10 * 2 * 100), step.forward().total(), 1e-9);
        assertEquals(2 * 1.6, step.audioSeconds(), 1e-12);
        assertEquals(1 - 160 / 200.0, step.paddingShare(), 1e-12);
    }

    @Test
    void longUtterancesAreCountedAsTheLoaderCropsThem() {
        BatchPlanner planner = new BatchPlanner(utterances(3.0), 10.0, 1.5, 1);
        BudgetPlan.Step step = BudgetPlan.meanStep(MODEL, planner, 1);
        assertEquals(10 * 150, step.forward().total(), 1e-9);
        assertEquals(1.5, step.audioSeconds(), 1e-12);
    }

    @Test
    void parameterCountsAreShownInMillionsOrAsUnknown() {
        assertEquals("1.23 M", BudgetPlan.millions(1_234_567));
        assertEquals("unknown", BudgetPlan.millions(-1));
    }

    /** A config record like an encoder's: only the size-defining keys that are set make the shape. */
    record Sized(String preset, Integer layers, Integer dim, Integer heads, Integer ffn, Double dropout) {
    }

    @Test
    void theShapeHoldsOnlyTheSizeDefiningKeysThatAreSet() {
        Map<String, Object> shape = BudgetPlan.shape(new Sized("slim", 12, 384, null, 768, 0.1));
        assertEquals(List.of("preset", "layers", "dim", "ffn"), List.copyOf(shape.keySet()));
        assertEquals("slim", shape.get("preset"));
        assertEquals(384, ((Number) shape.get("dim")).intValue());
    }
}
