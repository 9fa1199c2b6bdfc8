package dev.pretext.core.recipe;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.pretext.core.TrainingFlops;

import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * How much compute a run may spend: exactly one limit, in FLOPs, optimiser steps or hours of training time.
 * The recipe spells it {@code budget: {flops: 2.0e13}}, {@code {steps: N}} or {@code {hours: H}}; every
 * decision that depends on which one it is (may the next step start, how far the run is, how many steps to
 * plan for) is made here.
 */
public sealed interface Budget permits Budget.Flops, Budget.Steps, Budget.Hours {

    /** Training FLOPs: a step that would cross the limit is not started. */
    record Flops(double limit) implements Budget {
        @Override
        public String exhausted(long steps, double trainSeconds) {
            return null;
        }

        @Override
        public boolean predictsSteps() {
            return true;
        }

        @Override
        public String overspent(double spent, double predictedStep) {
            return spent + predictedStep > limit ? "FLOPs budget spent" : null;
        }

        @Override
        public long plannedSteps(DoubleSupplier flopsPerStep) {
            return Math.max(1, (long) Math.floor(limit / flopsPerStep.getAsDouble()));
        }

        @Override
        public double stepsBought(double flopsPerStep) {
            return Math.floor(limit / flopsPerStep);
        }

        @Override
        public String progress(double flops, double trainSeconds) {
            return String.format(Locale.ROOT, "%.3g/%.3g FLOPs", flops, limit);
        }

        @Override
        public double spentFraction(double flops, double trainSeconds, long steps) {
            return flops / limit;
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "%.3g FLOPs", limit);
        }

        @Override
        public Double flopsLimit() {
            return limit;
        }

        @JsonValue
        Map<String, Object> yaml() {
            return Map.of("flops", limit);
        }
    }

    /** Optimiser steps. */
    record Steps(long limit) implements Budget {
        @Override
        public String exhausted(long steps, double trainSeconds) {
            return steps >= limit ? "step budget spent" : null;
        }

        @Override
        public long plannedSteps(DoubleSupplier flopsPerStep) {
            return limit;
        }

        @Override
        public double stepsBought(double flopsPerStep) {
            return limit;
        }

        @Override
        public String progress(double flops, double trainSeconds) {
            return String.format(Locale.ROOT, "%.3g FLOPs", flops);
        }

        @Override
        public String stepsShown(long planned) {
            return Long.toString(limit);
        }

        @Override
        public double spentFraction(double flops, double trainSeconds, long steps) {
            return (double) steps / limit;
        }

        @Override
        public String describe() {
            return limit + " steps";
        }

        @JsonValue
        Map<String, Object> yaml() {
            return Map.of("steps", limit);
        }
    }

    /** Hours of training time, measured by the trainer (the steps' own time, not the loading before them). */
    record Hours(double limit) implements Budget {
        @Override
        public String exhausted(long steps, double trainSeconds) {
            return trainSeconds >= seconds() ? "time budget spent" : null;
        }

        @Override
        public long plannedSteps(DoubleSupplier flopsPerStep) {
            // The schedule is only a plan: the machine is assumed to reach the planning rate.
            return Math.max(1, (long) (limit * 3600 * TrainingFlops.ASSUMED_PER_SECOND / flopsPerStep.getAsDouble()));
        }

        @Override
        public double stepsBought(double flopsPerStep) {
            return Math.floor(limit * 3600 * TrainingFlops.ASSUMED_PER_SECOND / flopsPerStep);
        }

        @Override
        public String progress(double flops, double trainSeconds) {
            return String.format(Locale.ROOT, "%.0f/%.0f s", trainSeconds, seconds());
        }

        @Override
        public double spentFraction(double flops, double trainSeconds, long steps) {
            return trainSeconds / seconds();
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "%s h (at an assumed %.0f GFLOP/s)", trim(limit),
                    TrainingFlops.ASSUMED_PER_SECOND / 1e9);
        }

        private double seconds() {
            return limit * 3600;
        }

        @JsonValue
        Map<String, Object> yaml() {
            return Map.of("hours", limit);
        }
    }

    /** The recipe's section as written: bound as a record so that unknown keys are refused as everywhere. */
    record Section(Double flops, Long steps, Double hours) {
    }

    /** The recipe's section: exactly one of the three keys, positive. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Budget of(Section section) {
        return of(section.flops(), section.steps(), section.hours());
    }

    /** Exactly one of the three limits, positive. */
    static Budget of(Double flops, Long steps, Double hours) {
        int set = (flops != null ? 1 : 0) + (steps != null ? 1 : 0) + (hours != null ? 1 : 0);
        if (set != 1) {
            throw new IllegalArgumentException("give exactly one of flops, steps or hours, e.g. {flops: 2.0e13}");
        }
        if ((flops != null && !(flops > 0)) || (steps != null && steps <= 0) || (hours != null && !(hours > 0))) {
            throw new IllegalArgumentException("the budget must be positive");
        }
        if (flops != null) {
            return new Flops(flops);
        }
        return steps != null ? new Steps(steps) : new Hours(hours);
    }

    /**
     * Why no further step may start, checked before the step's first batch is fetched; null when one may.
     *
     * @param steps        optimiser steps taken
     * @param trainSeconds the steps' time so far
     */
    String exhausted(long steps, double trainSeconds);

    /** Whether {@link #overspent} needs the next step's predicted cost (computing it costs a FLOP count). */
    default boolean predictsSteps() {
        return false;
    }

    /** Why a step of the predicted cost may not start after {@code spent} FLOPs; null when it may. */
    default String overspent(double spent, double predictedStep) {
        return null;
    }

    /**
     * Steps the learning-rate schedule is laid out for: exact for a step budget, estimated from the training
     * FLOPs of a mean step otherwise (asked for only then: estimating it plans an epoch's batches).
     */
    long plannedSteps(DoubleSupplier flopsPerStep);

    /** Steps the budget buys at the given cost per step, as {@code pretext budget} reports them. */
    double stepsBought(double flopsPerStep);

    /** How far the run is, for its progress line. */
    String progress(double flops, double trainSeconds);

    /** The step count the progress line shows as the goal: exact, or {@code ~planned}. */
    default String stepsShown(long planned) {
        return "~" + planned;
    }

    /** The budget in words, e.g. {@code 1.00e+06 FLOPs}, {@code 10 steps}. */
    String describe();

    /** The FLOPs limit, or null for a budget of steps or time (the manifest's {@code flops_budget}). */
    default Double flopsLimit() {
        return null;
    }

    /** The share of the budget spent, in [0, 1] for a run that kept to it. */
    double spentFraction(double flops, double trainSeconds, long steps);

    /** 0.5, not 0.5000. */
    private static String trim(double v) {
        return String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
