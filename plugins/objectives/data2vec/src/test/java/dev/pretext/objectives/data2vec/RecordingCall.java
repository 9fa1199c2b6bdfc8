package dev.pretext.objectives.data2vec;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.pretext.api.model.EncoderCall;
import dev.pretext.api.model.EncoderOutput;
import dev.pretext.api.model.FlopMeter;
import dev.pretext.architectures.transformer.TransformerEncoder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The encoder as the core's trainer hands it to an objective: body passes with gradients, counted as trained;
 * the teacher a copy of the body's weights (swapped in through the parameter store), run in evaluation mode,
 * detached, counted forward only under {@code teacher.}. Records what it was called with.
 */
final class RecordingCall implements EncoderCall {
    final TransformerEncoder encoder;
    final ParameterStore store;
    final FlopMeter meter;
    private final ParameterStore teacherStore;
    /** Whether the teacher's outputs are detached, as the core does; false shows what the objective does itself. */
    boolean detachTeacher = true;
    final List<String> calls = new ArrayList<>();
    float[] bodyInput;
    float[] teacherInput;

    RecordingCall(TransformerEncoder encoder, ParameterStore store, FlopMeter meter, NDManager manager,
                  boolean teacherIsStudent) {
        this.encoder = encoder;
        this.store = store;
        this.meter = meter;
        if (teacherIsStudent) {
            teacherStore = store;
            return;
        }
        Map<String, NDArray> copies = new HashMap<>();
        for (Parameter p : encoder.block().getParameters().values()) {
            NDArray copy = p.getArray().duplicate();
            copy.attach(manager);
            copy.setRequiresGradient(false);
            copies.put(p.getId(), copy);
        }
        teacherStore = new ParameterStore(manager, false) {
            @Override
            public NDArray getValue(Parameter parameter, Device device, boolean training) {
                NDArray swapped = copies.get(parameter.getId());
                return swapped != null ? swapped : super.getValue(parameter, device, training);
            }
        };
    }

    @Override
    public EncoderOutput apply(NDArray features, NDArray valid) {
        calls.add("apply");
        return body(features, valid);
    }

    @Override
    public EncoderOutput body(NDArray features, NDArray valid) {
        calls.add("body");
        bodyInput = features.toFloatArray();
        int[] shape = shape(features);
        meter.record(encoder.flops(shape[0], shape[1]), true);
        return encoder.forward(store, features, valid, true);
    }

    @Override
    public EncoderOutput teacher(NDArray features, NDArray valid) {
        calls.add("teacher");
        teacherInput = features.toFloatArray();
        int[] shape = shape(features);
        meter.record(encoder.flops(shape[0], shape[1]).prefixed("teacher."), false);
        EncoderOutput out = encoder.forward(teacherStore, detachTeacher ? features.stopGradient() : features, valid,
                false);
        if (!detachTeacher) {
            return out;
        }
        List<NDArray> detached = new ArrayList<>();
        for (NDArray h : out.hiddenStates()) {
            detached.add(h.stopGradient());
        }
        return new EncoderOutput(detached, out.valid());
    }

    private static int[] shape(NDArray features) {
        return new int[]{(int) features.getShape().get(0), (int) features.getShape().get(1)};
    }
}
