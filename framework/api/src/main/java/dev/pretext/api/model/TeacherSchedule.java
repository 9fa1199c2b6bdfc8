package dev.pretext.api.model;

/**
 * An objective's request for a teacher: a copy of the encoder body whose weights follow the student's as an
 * exponential moving average, {@code teacher = decay * teacher + (1 - decay) * student} after every optimiser
 * step (data2vec). The decay rises linearly from {@code decayStart} to {@code decayEnd} over the first
 * {@code rampShare} of the run's planned steps, then stays. The core keeps, checkpoints and updates the weights.
 */
public record TeacherSchedule(double decayStart, double decayEnd, double rampShare) {
    public TeacherSchedule {
        if (!(decayStart >= 0 && decayStart <= 1 && decayEnd >= 0 && decayEnd <= 1)) {
            throw new IllegalArgumentException("teacher decays must be in [0, 1], got " + decayStart + " and "
                    + decayEnd);
        }
        if (!(rampShare >= 0 && rampShare <= 1)) {
            throw new IllegalArgumentException("teacher ramp share must be in [0, 1], got " + rampShare);
        }
    }

    /** The decay after {@code step} of {@code plannedSteps}. */
    public double decayAt(long step, long plannedSteps) {
        double ramp = rampShare * plannedSteps;
        if (ramp <= 0 || step >= ramp) {
            return decayEnd;
        }
        return decayStart + (decayEnd - decayStart) * step / ramp;
    }
}
