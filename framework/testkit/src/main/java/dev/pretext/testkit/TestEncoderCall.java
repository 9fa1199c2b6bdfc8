package dev.pretext.testkit;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.pretext.api.model.Encoder;
import dev.pretext.api.model.EncoderCall;
import dev.pretext.api.model.EncoderOutput;
import dev.pretext.api.model.FlopCount;
import dev.pretext.api.model.FlopMeter;

import java.util.ArrayList;
import java.util.List;

/**
 * The network as the core's trainer hands it to an objective, for tests: an identity frontend, the encoder as
 * the body, an optional teacher (run in evaluation mode without gradients), and every pass's FLOPs recorded to
 * the meter (the teacher's prefixed {@code teacher.}). {@link #encoderForward()} tells what the encoder passes
 * cost, so a test can separate them from what the objective reported for its heads.
 */
public final class TestEncoderCall implements EncoderCall {
    private final Encoder encoder;
    private final ParameterStore store;
    private final ParameterStore teacherStore;
    private final FlopMeter meter;
    private final boolean training;
    private double encoderForward;
    private int passes;
    private int teacherPasses;

    /**
     * @param teacherStore the teacher's weights ({@link EmaTeacher#store}), or null when the objective has none
     * @param training     whether the student passes train (gradients, dropout)
     */
    public TestEncoderCall(Encoder encoder, ParameterStore store, ParameterStore teacherStore, FlopMeter meter,
                           boolean training) {
        this.encoder = encoder;
        this.store = store;
        this.teacherStore = teacherStore;
        this.meter = meter;
        this.training = training;
    }

    @Override
    public EncoderOutput apply(NDArray features, NDArray valid) {
        return body(features, valid);
    }

    @Override
    public EncoderOutput body(NDArray features, NDArray valid) {
        EncoderOutput out = encoder.forward(store, features, valid, training);
        FlopCount flops = executed(out, features);
        meter.record(flops, training);
        encoderForward += flops.total();
        passes++;
        return out;
    }

    @Override
    public EncoderOutput teacher(NDArray features, NDArray valid) {
        if (teacherStore == null) {
            return EncoderCall.super.teacher(features, valid);
        }
        EncoderOutput out = encoder.forward(teacherStore, features.stopGradient(), valid, false);
        FlopCount flops = executed(out, features);
        meter.record(flops.prefixed("teacher."), false);
        encoderForward += flops.total();
        teacherPasses++;
        List<NDArray> detached = new ArrayList<>();
        for (NDArray h : out.hiddenStates()) {
            detached.add(h.stopGradient());
        }
        return new EncoderOutput(detached, out.valid());
    }

    @Override
    public boolean causal() {
        return encoder.causal();
    }

    private FlopCount executed(EncoderOutput out, NDArray features) {
        if (out.executed() != null) {
            return out.executed();
        }
        return encoder.flops((int) features.getShape().get(0), (int) features.getShape().get(1));
    }

    /** Forward FLOPs of every encoder pass so far (student and teacher). */
    public double encoderForward() {
        return encoderForward;
    }

    /** Student passes so far (apply or body). */
    public int passes() {
        return passes;
    }

    public int teacherPasses() {
        return teacherPasses;
    }
}
