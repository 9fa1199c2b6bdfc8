package dev.pretext.core.train;

import dev.pretext.core.data.HostBatch;

import java.util.Map;

/**
 * What a run has done so far besides its tensors, between two steps: steps taken, where the data stands, audio
 * processed with and without padding, training time, and the last step's cost over its encoder's (to predict
 * the next step's cost from its shape). Restored from and turned into a checkpoint's {@link TrainingState}.
 */
final class TrainingCounters {
    private long step;
    private int epoch;
    private int index;
    private double audioSeconds;
    private double paddedSeconds;
    private double trainSeconds;
    private double stepToEncoderFlops;

    private TrainingCounters(TrainingState s) {
        step = s.step();
        epoch = s.epoch();
        index = s.batchIndex();
        audioSeconds = s.audioSeconds();
        paddedSeconds = s.paddedSeconds();
        trainSeconds = s.trainSeconds();
        stepToEncoderFlops = s.stepToEncoderFlops() > 0 ? s.stepToEncoderFlops() : 1.0;
    }

    static TrainingCounters from(TrainingState state) {
        return new TrainingCounters(state);
    }

    /**
     * Counts a micro-batch's audio and moves the data position past it.
     *
     * @param batchesInEpoch how many batches the batch's epoch has
     * @param frameRateHz    the network input's frames per second, to turn padded frames into seconds
     */
    void countBatch(HostBatch batch, int batchesInEpoch, double frameRateHz) {
        audioSeconds += batch.seconds();
        // Audio plus padding: frames stand for slightly less audio than they cover, so the padded frames count
        // alone could fall below the audio (a negative padding share).
        paddedSeconds += batch.seconds() + (batch.size() * (double) batch.frames() - batch.realFrames()) / frameRateHz;
        if (batch.index() + 1 >= batchesInEpoch) {
            epoch = batch.epoch() + 1;
            index = 0;
        } else {
            epoch = batch.epoch();
            index = batch.index() + 1;
        }
    }

    /** The predicted cost of a step whose encoder, trained, costs {@code encoderTraining} per micro-batch. */
    double predictStep(double encoderTraining, int accumulate) {
        return encoderTraining * stepToEncoderFlops * accumulate;
    }

    /** Counts an optimiser update: from here on, the step's number is the one it is logged and checkpointed as. */
    void stepTaken() {
        step++;
    }

    /**
     * Ends a step after its update.
     *
     * @param stepFlops    everything the step cost
     * @param encoderFlops what its student network cost of that
     * @param seconds      the step's time, its data wait included
     */
    void endStep(double stepFlops, double encoderFlops, double seconds) {
        stepToEncoderFlops = encoderFlops > 0 ? stepFlops / encoderFlops : 1.0;
        trainSeconds += seconds;
    }

    TrainingState state(long plannedSteps, double flops, Map<String, Double> flopsByComponent) {
        return new TrainingState(step, epoch, index, plannedSteps, flops, flopsByComponent, audioSeconds,
                paddedSeconds, trainSeconds, stepToEncoderFlops);
    }

    long step() {
        return step;
    }

    int epoch() {
        return epoch;
    }

    int index() {
        return index;
    }

    double audioSeconds() {
        return audioSeconds;
    }

    double trainSeconds() {
        return trainSeconds;
    }
}
