package dev.pretext.core.train;

import dev.pretext.api.model.FlopCount;
import dev.pretext.api.model.FlopMeter;
import dev.pretext.core.TrainingFlops;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts the training FLOPs a run executed, from the shapes each step ran (padding included): a part run
 * with gradients costs 3x its forward (forward, then gradients for inputs and for weights), a frozen part 1x.
 * Keeps the per-component totals for the report.
 */
public final class BudgetMeter implements FlopMeter {
    private final Map<String, Double> byComponent = new LinkedHashMap<>();
    private double total;
    private double step;

    @Override
    public void record(FlopCount forward, boolean withGradients) {
        double factor = withGradients ? TrainingFlops.PER_FORWARD : 1.0;
        forward.forward().forEach((k, v) -> byComponent.merge(k, v * factor, Double::sum));
        double f = forward.total() * factor;
        total += f;
        step += f;
    }

    /** FLOPs since the last call; starts the next step's count. */
    public double takeStep() {
        double s = step;
        step = 0;
        return s;
    }

    public double total() {
        return total;
    }

    /** In the order the components were first charged: checkpoints and manifests list them alike every time. */
    public Map<String, Double> byComponent() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(byComponent));
    }

    public void restore(double total, Map<String, Double> byComponent) {
        this.total = total;
        this.byComponent.clear();
        this.byComponent.putAll(byComponent);
    }
}
