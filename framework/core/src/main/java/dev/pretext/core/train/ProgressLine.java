package dev.pretext.core.train;

import dev.pretext.core.recipe.Budget;

import java.util.Locale;

/** The trainer's lines on the console: one per step (overwritten in place on a terminal) and one at the end. */
record ProgressLine(Budget budget, long plannedSteps) {

    /**
     * @param dataWaitSeconds the time the trainer waited for the loader since this (re)start
     * @param trainSeconds    the steps' time, the run's whole
     */
    String step(long step, double loss, double lr, double flops, double trainSeconds, double stepSeconds,
                double dataWaitSeconds) {
        return String.format(Locale.ROOT, "step %d/%s  loss %.4f  lr %.2e  %s  %.2fs/step  data waited %.1f%%", step,
                budget.stepsShown(plannedSteps), loss, lr, budget.progress(flops, trainSeconds), stepSeconds,
                trainSeconds > 0 ? 100 * dataWaitSeconds / trainSeconds : 0);
    }

    /** The last line of a run that ended: why it stopped. */
    String end(long step, double loss, double flops, double trainSeconds, String reason) {
        return String.format(Locale.ROOT, "step %d  loss %.4f  %s  (%s)", step, loss,
                budget.progress(flops, trainSeconds), reason);
    }

    /** The last line of a run stopped on request: the checkpoint it resumes from. */
    String stopped(long step, double loss, double flops, double trainSeconds, String checkpoint) {
        return end(step, loss, flops, trainSeconds, "stopped on request, checkpoint " + checkpoint);
    }
}
