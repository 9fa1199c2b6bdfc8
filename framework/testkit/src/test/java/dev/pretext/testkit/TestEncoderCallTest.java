package dev.pretext.testkit;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.model.Encoder;
import dev.pretext.api.model.EncoderOutput;
import dev.pretext.api.model.FlopCount;
import dev.pretext.api.model.TeacherSchedule;
import dev.pretext.core.train.Teacher;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test call (the core's metered call) and the core's teacher on a one-layer stand-in encoder. */
class TestEncoderCallTest {
    /** One linear layer as an "encoder", enough to check the call's bookkeeping. */
    private static final class LinearEncoder implements Encoder {
        private final Linear linear = Linear.builder().setUnits(4).build();

        @Override
        public Block block() {
            return linear;
        }

        @Override
        public void initialize(NDManager manager, FeatureSpec input) {
            linear.initialize(manager, DataType.FLOAT32, new Shape(1, 1, input.dim()));
        }

        @Override
        public int dim() {
            return 4;
        }

        @Override
        public int layers() {
            return 1;
        }

        @Override
        public EncoderOutput forward(ParameterStore parameters, NDArray features, NDArray valid, boolean training) {
            return new EncoderOutput(List.of(features, linear.forward(parameters, new NDList(features), training).head()),
                    valid);
        }

        @Override
        public FlopCount flops(int batch, int frames) {
            return FlopCount.of("encoder.linear", 2.0 * batch * frames * 3 * 4);
        }
    }

    @Test
    void countsPassesAndRunsTheTeacherWithoutGradients() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            LinearEncoder encoder = new LinearEncoder();
            encoder.initialize(manager, new FeatureSpec(3, 100));
            Teacher teacher = new Teacher(new TeacherSchedule(0.999, 0.999, 0),
                    new ArrayList<>(encoder.block().getParameters().values()));
            RecordingMeter meter = new RecordingMeter();
            NDArray x = manager.randomNormal(new Shape(2, 5, 3));
            NDArray valid = manager.ones(new Shape(2, 5));
            float[] studentOnly;
            try (NDManager step = manager.newSubManager()) {
                TestEncoderCall call = new TestEncoderCall(encoder, new ParameterStore(step, false), null,
                        new RecordingMeter(), true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(call.body(x, valid).last().sum());
                }
                studentOnly = Gradients.takeAll(encoder.block().getParameters().values());
            }
            try (NDManager step = manager.newSubManager()) {
                ParameterStore store = new ParameterStore(step, false);
                TestEncoderCall call = new TestEncoderCall(encoder, store, teacher.store(step), meter, true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray student = call.body(x, valid).last();
                    NDArray target = call.teacher(x, valid).last();
                    assertArrayEquals(student.toFloatArray(), target.toFloatArray(), 0f);
                    gc.backward(student.sum().add(target.sum()));
                }
                // the teacher's output is detached and its weights are copies: it adds no gradient
                assertArrayEquals(studentOnly, Gradients.takeAll(encoder.block().getParameters().values()), 0f);
                assertEquals(2, call.passes() + call.teacherPasses());
                assertEquals(2 * 2 * 2 * 5 * 3 * 4, call.encoderForward(), 1e-9);
            }
            assertEquals(2, meter.entries().size());
            assertTrue(meter.entries().get(0).withGradients());
            assertFalse(meter.entries().get(1).withGradients());
            assertEquals(2 * 2 * 5 * 3 * 4, meter.forward("teacher."), 1e-9);

            // the teacher follows the student only through update()
            Parameter weight = encoder.block().getParameters().get("weight");
            weight.getArray().addi(1f);
            try (NDManager step = manager.newSubManager()) {
                TestEncoderCall call = new TestEncoderCall(encoder, new ParameterStore(step, false),
                        teacher.store(step), new RecordingMeter(), false);
                float[] student = call.body(x, valid).last().toFloatArray();
                assertFalse(java.util.Arrays.equals(student, call.teacher(x, valid).last().toFloatArray()));
                teacher.update(0.0, step);
                assertArrayEquals(student, call.teacher(x, valid).last().toFloatArray(), 1e-6f);
            }
            try (NDManager step = manager.newSubManager()) {
                TestEncoderCall without = new TestEncoderCall(encoder, new ParameterStore(step, false), null,
                        new RecordingMeter(), false);
                assertThrows(UnsupportedOperationException.class, () -> without.teacher(x, valid));
            }
        }
    }
}
