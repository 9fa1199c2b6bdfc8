package dev.pretext.core;

/**
 * The compute accounting's two conventions, in one place so that the trainer, the planner and the sweeps
 * charge and plan alike.
 */
public final class TrainingFlops {
    /**
     * A pass with gradients costs its forward, then about twice that for the gradients of the inputs and of the
     * weights.
     */
    public static final double PER_FORWARD = 3.0;

    /**
     * The FLOP rate assumed to turn an hours budget into steps before this machine's speed is known: only for
     * planning (the schedule's length, {@code pretext budget}); the run itself measures time.
     */
    public static final double ASSUMED_PER_SECOND = 20e9;

    private TrainingFlops() {
    }

    /** What training a part whose forward costs {@code forward} FLOPs costs. */
    public static double of(double forward) {
        return PER_FORWARD * forward;
    }
}
