package dev.pretext.testkit;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.model.Encoder;
import dev.pretext.api.model.EncoderCall;
import dev.pretext.api.model.EncoderOutput;
import dev.pretext.api.model.FlopMeter;
import dev.pretext.api.model.Frontend;
import dev.pretext.api.model.FrontendOutput;
import dev.pretext.core.model.UpstreamModel;
import dev.pretext.core.train.MeteredCall;
import dev.pretext.core.train.Teacher;

/**
 * The network as the core's trainer hands it to an objective, for tests: the core's own {@link MeteredCall} on
 * the encoder as the body behind a frontend without parameters, an optional teacher (the core's {@link Teacher}),
 * every pass's FLOPs recorded to the meter (the teacher's prefixed {@code teacher.}). {@link #encoderForward()}
 * tells what the encoder passes cost, so a test can separate them from what the objective reported for its heads.
 */
public final class TestEncoderCall implements EncoderCall {
    private final MeteredCall call;

    /**
     * @param teacherStore the teacher's weights ({@link Teacher#store}), or null when the objective has none
     * @param training     whether the student passes train (gradients, dropout)
     */
    public TestEncoderCall(Encoder encoder, ParameterStore store, ParameterStore teacherStore, FlopMeter meter,
                           boolean training) {
        call = new MeteredCall(new UpstreamModel(new FeaturesAsGiven(), encoder), store, teacherStore, meter,
                training);
    }

    @Override
    public EncoderOutput apply(NDArray features, NDArray valid) {
        return call.apply(features, valid);
    }

    @Override
    public FrontendOutput frontend(NDArray features, NDArray valid) {
        return call.frontend(features, valid);
    }

    @Override
    public EncoderOutput body(NDArray features, NDArray valid) {
        return call.body(features, valid);
    }

    @Override
    public EncoderOutput teacher(NDArray features, NDArray valid) {
        return call.teacher(features, valid);
    }

    @Override
    public boolean causal() {
        return call.causal();
    }

    /** Forward FLOPs of every encoder pass so far (student and teacher). */
    public double encoderForward() {
        return call.studentForward() + call.teacherForward();
    }

    /** Student passes so far (apply or body). */
    public int passes() {
        return call.passes();
    }

    public int teacherPasses() {
        return call.teacherPasses();
    }

    /** The batches' features go to the body as they are: the objective under test gets them unchanged. */
    private static final class FeaturesAsGiven implements Frontend {
        /** Unknown here, and nothing in a call reads it. */
        @Override
        public FeatureSpec spec() {
            return null;
        }

        @Override
        public Features extract(Waveform waveform) {
            throw new UnsupportedOperationException("the test call never makes features");
        }

        @Override
        public double flopsPerFrame() {
            return 0;
        }
    }
}
