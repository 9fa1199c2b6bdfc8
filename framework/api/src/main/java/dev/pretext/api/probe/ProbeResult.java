package dev.pretext.api.probe;

import java.util.Map;

/**
 * @param metric         name of the headline metric, e.g. {@code per} or {@code accuracy}
 * @param value          its value on the test part
 * @param higherIsBetter direction of the metric
 * @param layerWeights   the learnt softmax weights over layers (sums to 1), showing which layers the task uses
 * @param details        further numbers worth reporting (train loss, class count, ...)
 */
public record ProbeResult(String metric, double value, boolean higherIsBetter, double[] layerWeights,
                          Map<String, Double> details) {
    public ProbeResult {
        details = Map.copyOf(details);
    }
}
