package dev.pretext.core.train;

import java.util.Map;

/**
 * Everything besides tensors that a resumed run needs to continue exactly where it stopped.
 *
 * @param step          optimizer steps done
 * @param epoch         epoch of the next batch
 * @param batchIndex    index of the next batch in that epoch's plan
 * @param plannedSteps  steps the learning-rate schedule was laid out for
 * @param flops         training FLOPs spent
 * @param flopsByComponent the same, per component
 * @param audioSeconds  real audio seconds processed (augmented views count again)
 * @param paddedSeconds audio seconds including padding
 * @param trainSeconds  wall-clock seconds spent training (for hour budgets)
 * @param stepToEncoderFlops the last step's total FLOPs over its encoder FLOPs: predicts the next step's cost
 *                      from its shape, so the budget check before a step is the same after a resume
 */
public record TrainingState(long step, int epoch, int batchIndex, long plannedSteps, double flops,
                            Map<String, Double> flopsByComponent, double audioSeconds, double paddedSeconds,
                            double trainSeconds, double stepToEncoderFlops) {
    public static TrainingState start() {
        return new TrainingState(0, 0, 0, 0, 0, Map.of(), 0, 0, 0, 1.0);
    }
}
