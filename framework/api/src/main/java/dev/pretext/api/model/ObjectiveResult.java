package dev.pretext.api.model;

import ai.djl.ndarray.NDArray;

import java.util.Map;

/**
 * @param loss    scalar loss to minimise
 * @param metrics scalars to log beside the loss (e.g. accuracy of masked predictions); keep them cheap
 */
public record ObjectiveResult(NDArray loss, Map<String, NDArray> metrics) {
    public ObjectiveResult {
        metrics = Map.copyOf(metrics);
    }

    public static ObjectiveResult of(NDArray loss) {
        return new ObjectiveResult(loss, Map.of());
    }
}
