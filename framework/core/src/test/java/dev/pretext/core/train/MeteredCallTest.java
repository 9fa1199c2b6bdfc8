package dev.pretext.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.model.FlopCount;
import dev.pretext.api.model.FlopMeter;
import dev.pretext.api.model.TeacherSchedule;
import dev.pretext.core.model.UpstreamModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The call objectives get (in training and in the testkit) and the teacher, on a one-layer stand-in encoder. */
class MeteredCallTest {
    private record Entry(FlopCount forward, boolean withGradients) {
    }

    /** Every record, in order. */
    private static final class Recording implements FlopMeter {
        final List<Entry> entries = new ArrayList<>();

        @Override
        public void record(FlopCount forward, boolean withGradients) {
            entries.add(new Entry(forward, withGradients));
        }
    }

    /** The weights' gradient, then zeroed (DJL accumulates them). */
    private static float[] takeGradient(Parameter weight) {
        try (NDArray grad = weight.getArray().getGradient()) {
            float[] g = grad.toFloatArray();
            grad.subi(grad);
            return g;
        }
    }

    @Test
    void countsPassesAndRunsTheTeacherWithoutGradients() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            TrainerTest.LinearEncoder encoder = new TrainerTest.LinearEncoder();
            FeatureSpec spec = new FeatureSpec(8, 100);
            encoder.initialize(manager, spec);
            UpstreamModel model = new UpstreamModel(new TrainerTest.BandEnergies(), encoder);
            Parameter weight = encoder.block().getParameters().get("weight");
            Teacher teacher = new Teacher(new TeacherSchedule(0.999, 0.999, 0),
                    new ArrayList<>(encoder.block().getParameters().values()));
            NDArray x = manager.randomNormal(new Shape(2, 5, 8));
            NDArray valid = manager.ones(new Shape(2, 5));
            double forward = encoder.flops(2, 5).total();
            float[] studentOnly;
            try (NDManager step = manager.newSubManager()) {
                MeteredCall call = new MeteredCall(model, new ParameterStore(step, false), null, new Recording(),
                        true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(call.body(x, valid).last().sum());
                }
                studentOnly = takeGradient(weight);
            }
            Recording meter = new Recording();
            try (NDManager step = manager.newSubManager()) {
                MeteredCall call = new MeteredCall(model, new ParameterStore(step, false), teacher.store(step), meter,
                        true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray student = call.body(x, valid).last();
                    NDArray target = call.teacher(x, valid).last();
                    assertArrayEquals(student.toFloatArray(), target.toFloatArray(), 0f);
                    gc.backward(student.sum().add(target.sum()));
                }
                // the teacher's output is detached and its weights are copies: it adds no gradient
                assertArrayEquals(studentOnly, takeGradient(weight), 0f);
                assertEquals(1, call.passes());
                assertEquals(1, call.teacherPasses());
                assertEquals(forward, call.studentForward(), 1e-9);
                assertEquals(forward, call.teacherForward(), 1e-9);
            }
            assertEquals(2, meter.entries.size(), "a frontend without parameters records nothing");
            assertTrue(meter.entries.get(0).withGradients());
            assertFalse(meter.entries.get(1).withGradients());
            assertTrue(meter.entries.get(1).forward().forward().keySet().stream().allMatch(k -> k.startsWith("teacher.")),
                    meter.entries.get(1).toString());

            // the teacher follows the student only through update()
            weight.getArray().addi(1f);
            try (NDManager step = manager.newSubManager()) {
                MeteredCall call = new MeteredCall(model, new ParameterStore(step, false), teacher.store(step),
                        new Recording(), false);
                float[] student = call.body(x, valid).last().toFloatArray();
                assertFalse(java.util.Arrays.equals(student, call.teacher(x, valid).last().toFloatArray()));
                teacher.update(0.0, step);
                assertArrayEquals(student, call.teacher(x, valid).last().toFloatArray(), 1e-6f);
            }
            try (NDManager step = manager.newSubManager()) {
                MeteredCall without = new MeteredCall(model, new ParameterStore(step, false), null, new Recording(),
                        false);
                assertThrows(UnsupportedOperationException.class, () -> without.teacher(x, valid));
            }
        }
    }
}
