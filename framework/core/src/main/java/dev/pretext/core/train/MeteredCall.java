package dev.pretext.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.pretext.api.model.EncoderCall;
import dev.pretext.api.model.EncoderOutput;
import dev.pretext.api.model.FlopCount;
import dev.pretext.api.model.FlopMeter;
import dev.pretext.api.model.FrontendOutput;
import dev.pretext.core.model.UpstreamModel;

import java.util.ArrayList;
import java.util.List;

/**
 * The network as an objective calls it, with every pass counted: the student's passes (with gradients when
 * training: the meter charges 3x forward) and the teacher's (forward only, prefixed {@code teacher.}, run in
 * evaluation mode outside the gradient graph). The trainer hands one to the objective each micro-batch; the
 * testkit runs objectives through the same class, so a plugin's tests see what training will do.
 */
public final class MeteredCall implements EncoderCall {
    private final UpstreamModel model;
    private final ParameterStore store;
    private final ParameterStore teacherStore;
    private final FlopMeter meter;
    private final boolean training;
    private double studentForward;
    private double teacherForward;
    private int passes;
    private int teacherPasses;

    /**
     * @param teacherStore the teacher's weights ({@link Teacher#store}), or null when the objective has none
     * @param training     whether the student's passes train (gradients, dropout, layer drop)
     */
    public MeteredCall(UpstreamModel model, ParameterStore store, ParameterStore teacherStore, FlopMeter meter,
                       boolean training) {
        this.model = model;
        this.store = store;
        this.teacherStore = teacherStore;
        this.meter = meter;
        this.training = training;
    }

    private void charge(FlopCount flops) {
        if (!flops.forward().isEmpty()) {            // a frontend without parameters costs nothing here
            meter.record(flops, training);
        }
        studentForward += flops.total();
    }

    @Override
    public EncoderOutput apply(NDArray features, NDArray valid) {
        UpstreamModel.Pass pass = model.forward(store, features, valid, training);
        charge(pass.flops());
        passes++;
        return pass.output();
    }

    @Override
    public FrontendOutput frontend(NDArray features, NDArray valid) {
        UpstreamModel.FrontendPass pass = model.frontend(store, features, valid, training);
        charge(pass.flops());
        return pass.output();
    }

    @Override
    public EncoderOutput body(NDArray features, NDArray valid) {
        UpstreamModel.Pass pass = model.body(store, features, valid, training);
        charge(pass.flops());
        passes++;
        return pass.output();
    }

    @Override
    public EncoderOutput teacher(NDArray features, NDArray valid) {
        if (teacherStore == null) {
            return EncoderCall.super.teacher(features, valid);
        }
        // Evaluation mode (no dropout, no layer drop), outside the gradient graph, forward FLOPs only.
        UpstreamModel.Pass pass = model.body(teacherStore, features.stopGradient(), valid, false);
        meter.record(pass.flops().prefixed("teacher."), false);
        teacherForward += pass.flops().total();
        teacherPasses++;
        List<NDArray> detached = new ArrayList<>();
        for (NDArray h : pass.output().hiddenStates()) {
            detached.add(h.stopGradient());
        }
        return new EncoderOutput(detached, pass.output().valid());
    }

    @Override
    public boolean causal() {
        return model.causal();
    }

    /** Forward FLOPs of the student's passes so far (frontend and body). */
    public double studentForward() {
        return studentForward;
    }

    /** Forward FLOPs of the teacher's passes so far. */
    public double teacherForward() {
        return teacherForward;
    }

    /** Student passes through the body so far ({@link #apply} or {@link #body}). */
    public int passes() {
        return passes;
    }

    public int teacherPasses() {
        return teacherPasses;
    }
}
