package dev.pretext.core.train;

import dev.pretext.core.TrainingFlops;
import dev.pretext.core.data.HostBatch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the micro-batches of one optimiser step add up to: the loss and the objective's metrics as means over
 * the micro-batches (each is divided by their number before it is added, as its gradient is), the rows, the
 * mean padding share, and the student network's training FLOPs (which relate the step's whole cost to its
 * encoder's, for predicting the next step).
 */
final class StepTally {
    private final int accumulate;
    private final Map<String, Double> metrics = new LinkedHashMap<>();
    private double loss;
    private double paddingShare;
    private int rows;
    private double encoderFlops;

    StepTally(int accumulate) {
        if (accumulate < 1) {
            throw new IllegalArgumentException("accumulate must be >= 1, got " + accumulate);
        }
        this.accumulate = accumulate;
    }

    /** A micro-batch's loss, as the objective computed it (in float, as the loss array holds it). */
    void addLoss(float value) {
        loss += value / accumulate;
    }

    /** One of a micro-batch's objective metrics; the first micro-batch's order is the line's order. */
    void addMetric(String name, float value) {
        metrics.merge(name, (double) value / accumulate, Double::sum);
    }

    /** The forward FLOPs the student network ran for a micro-batch, charged as training. */
    void addStudentForward(double forward) {
        encoderFlops += TrainingFlops.of(forward);
    }

    /** A micro-batch's shape: its rows and its share of padding. */
    void addBatch(HostBatch batch) {
        paddingShare += batch.paddingShare() / accumulate;
        rows += batch.size();
    }

    double loss() {
        return loss;
    }

    Map<String, Double> metrics() {
        return metrics;
    }

    double paddingShare() {
        return paddingShare;
    }

    int rows() {
        return rows;
    }

    double encoderFlops() {
        return encoderFlops;
    }
}
