package dev.pretext.core.train;

/**
 * Linear warm-up to the peak rate over {@code warmup} of the planned steps, then linear or cosine decay to
 * zero at the planned end (or constant). Steps past the plan keep the final rate.
 */
public record LrSchedule(double peak, double warmupShare, String shape, long plannedSteps) {
    public double at(long step) {
        long warm = Math.round(warmupShare * plannedSteps);
        if (step < warm) {
            return peak * (step + 1) / warm;
        }
        if ("constant".equals(shape)) {
            return peak;
        }
        double progress = Math.min(1.0, (step - warm) / (double) Math.max(1, plannedSteps - warm));
        // Keep a small floor so that the last steps still move the model.
        double floor = 0.01;
        return switch (shape) {
            case "cosine" -> peak * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
            default -> peak * (floor + (1 - floor) * (1 - progress));
        };
    }
}
