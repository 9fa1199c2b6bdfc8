package dev.pretext.core.train;

import dev.pretext.core.data.FeatureCache;
import dev.pretext.core.data.HostBatch;
import dev.pretext.core.recipe.Budget;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trainer's parts that need no network: accumulation, counters, the metrics line, checkpoints, progress. */
class TrainingPartsTest {
    /** Two rows of 4 frames, 3 and 2 of them real (3/8 padding), 0.05 s of audio, at (epoch, index). */
    private static HostBatch batch(int epoch, int index) {
        return new HostBatch(epoch, index, new float[8], new int[]{3, 2}, 4, 1, List.of(), 0.05, new double[2]);
    }

    @Test
    void microBatchesAddUpToTheirMeanAsTheGradientDoes() {
        StepTally tally = new StepTally(2);
        tally.addLoss(1.5f);
        tally.addLoss(0.5f);
        tally.addMetric("accuracy", 0.25f);
        tally.addMetric("perplexity", 10f);
        tally.addMetric("accuracy", 0.75f);
        tally.addStudentForward(100);
        tally.addStudentForward(20);
        tally.addBatch(batch(0, 0));
        tally.addBatch(batch(0, 1));
        assertEquals(1.0, tally.loss());
        assertEquals(List.of("accuracy", "perplexity"), List.copyOf(tally.metrics().keySet()), "first seen, first");
        assertEquals(0.5, tally.metrics().get("accuracy"));
        assertEquals(5.0, tally.metrics().get("perplexity"));
        assertEquals(360, tally.encoderFlops(), "forward plus backward: 3x");
        assertEquals(4, tally.rows());
        assertEquals(3.0 / 8, tally.paddingShare(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new StepTally(0));
    }

    @Test
    void aMicroBatchLossIsDividedInFloatAsTheTrainerAlwaysDidIt() {
        // The line's loss is part of what resume and determinism compare byte for byte: keep float division.
        StepTally tally = new StepTally(3);
        tally.addLoss(0.1f);
        assertEquals((double) (0.1f / 3), tally.loss());
    }

    @Test
    void countersMoveThroughEpochsAndCountPaddingInSeconds() {
        TrainingCounters c = TrainingCounters.from(TrainingState.start());
        c.countBatch(batch(0, 0), 2, 100);
        assertEquals(0, c.epoch());
        assertEquals(1, c.index());
        c.countBatch(batch(0, 1), 2, 100);
        assertEquals(1, c.epoch(), "the last batch of an epoch moves to the next");
        assertEquals(0, c.index());
        assertEquals(0.1, c.audioSeconds(), 1e-15);
        TrainingState s = c.state(9, 5.0, Map.of("encoder", 5.0));
        assertEquals(0.1 + 2 * 3 / 100.0, s.paddedSeconds(), 1e-15, "3 padded frames at 100 Hz per batch");
        assertEquals(9, s.plannedSteps());
        assertEquals(0, s.step());
    }

    @Test
    void theNextStepIsPredictedFromTheLastStepsWholeCostOverItsEncoders() {
        TrainingCounters c = TrainingCounters.from(TrainingState.start());
        assertEquals(200, c.predictStep(100, 2), "before any step: the encoder alone");
        c.stepTaken();
        c.endStep(150, 100, 0.5);
        assertEquals(1, c.step());
        assertEquals(300, c.predictStep(100, 2));
        assertEquals(0.5, c.trainSeconds());
        c.stepTaken();
        c.endStep(150, 0, 0.25);
        assertEquals(200, c.predictStep(100, 2), "no encoder FLOPs: no ratio");
        TrainingState s = c.state(9, 300, Map.of());
        assertEquals(2, s.step());
        assertEquals(0.75, s.trainSeconds());
        assertEquals(1.0, s.stepToEncoderFlops());
        // A resumed run predicts as the run it continues.
        TrainingCounters resumed = TrainingCounters.from(new TrainingState(4, 1, 2, 9, 0, Map.of(), 0, 0, 0, 1.5));
        assertEquals(300, resumed.predictStep(100, 2));
        assertEquals(1, resumed.epoch());
        assertEquals(2, resumed.index());
        assertEquals(1.0, TrainingCounters.from(new TrainingState(4, 1, 2, 9, 0, Map.of(), 0, 0, 0, 0))
                .predictStep(1, 1), "an old checkpoint without the ratio predicts from the encoder");
    }

    @Test
    void theMetricsLineKeepsItsKeysAndTheirOrder() {
        Map<String, Double> objective = new LinkedHashMap<>();
        objective.put("zeta", 1.0);
        objective.put("alpha", 2.0);
        StepMetrics m = new StepMetrics(3, 1, 0.5, 1e-4, 2.0, 10, 30, 8, 0.1, 12.5, 0.9, 0.01, 40, null, objective);
        assertEquals(List.of("step", "epoch", "loss", "lr", "grad_norm", "flops_step", "flops_total", "rows",
                "padding_share", "audio_seconds_total", "step_seconds", "data_wait_seconds",
                "loader_x_realtime_per_thread", "zeta", "alpha"), List.copyOf(m.toMap().keySet()));
        assertEquals(3L, m.toMap().get("step"));
        assertEquals(1, m.toMap().get("epoch"));
        assertEquals(8, m.toMap().get("rows"));
        Map<String, Object> cached = new StepMetrics(3, 1, 0.5, 1e-4, 2.0, 10, 30, 8, 0.1, 12.5, 0.9, 0.01, 40,
                new FeatureCache.Stats(5, 6, 7, 8, 9), Map.of()).toMap();
        assertEquals(List.of("feature_cache_hits", "feature_cache_misses", "feature_cache_bypassed"),
                List.copyOf(cached.keySet()).subList(13, 16));
        assertEquals(16, cached.size(), "damaged and write failures are the manifest's, not each step's");
        assertEquals(5L, cached.get("feature_cache_hits"));
    }

    @Test
    void checkpointsAreSavedEverySoManyStepsAndOnceAtTheEnd() {
        CheckpointPolicy every3 = new CheckpointPolicy(3);
        assertFalse(every3.due(1));
        assertTrue(every3.due(3));
        assertTrue(every3.due(6));
        assertTrue(every3.saveAtEnd(null, 7), "nothing saved in this start");
        assertTrue(every3.saveAtEnd(Path.of("checkpoints/step-00000006"), 7));
        assertFalse(every3.saveAtEnd(Path.of("checkpoints/step-00000006"), 6));
        assertThrows(IllegalArgumentException.class, () -> new CheckpointPolicy(0));
    }

    @Test
    void gradientsAreScaledDownToTheClipNormOnlyAboveIt() {
        assertEquals(1.0, Trainer.clipScale(5, 10));
        assertEquals(1.0, Trainer.clipScale(10, 10));
        assertEquals(0.5, Trainer.clipScale(20, 10));
    }

    @Test
    void progressLinesSayTheBudgetInItsOwnUnit() {
        ProgressLine steps = new ProgressLine(new Budget.Steps(10), 10);
        assertEquals("step 3/10  loss 0.5000  lr 1.00e-04  1.00e+06 FLOPs  0.50s/step  data waited 25.0%",
                steps.step(3, 0.5, 1e-4, 1e6, 2.0, 0.5, 0.5));
        ProgressLine flops = new ProgressLine(new Budget.Flops(2e6), 7);
        assertEquals("step 3/~7  loss 0.5000  lr 1.00e-04  1.00e+06/2.00e+06 FLOPs  0.50s/step  data waited 0.0%",
                flops.step(3, 0.5, 1e-4, 1e6, 0, 0.5, 0));
        ProgressLine hours = new ProgressLine(new Budget.Hours(1), 7);
        assertEquals("step 3  loss 0.5000  12/3600 s  (time budget spent)", hours.end(3, 0.5, 1e6, 12, "time budget spent"));
        assertEquals("step 3  loss 0.5000  12/3600 s  (stopped on request, checkpoint step-00000003)",
                hours.stopped(3, 0.5, 1e6, 12, "step-00000003"));
    }
}
