package dev.pretext.testkit;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A test teacher the way the core keeps one: copies of the encoder's weights, swapped in by a parameter store
 * so the same blocks run with them. Starts equal to the student; {@link #update} moves it as an EMA.
 */
public final class EmaTeacher {
    private final List<Parameter> student;
    private final List<NDArray> weights = new ArrayList<>();
    private final Map<String, NDArray> byStudentId = new HashMap<>();

    public EmaTeacher(Iterable<Parameter> student) {
        this.student = new ArrayList<>();
        for (Parameter p : student) {
            NDArray copy = p.getArray().duplicate();
            copy.setRequiresGradient(false);
            this.student.add(p);
            weights.add(copy);
            byStudentId.put(p.getId(), copy);
        }
    }

    /** A store that hands the encoder the teacher's weights instead of its own. */
    public ParameterStore store(NDManager manager) {
        return new ParameterStore(manager, false) {
            @Override
            public NDArray getValue(Parameter parameter, Device device, boolean training) {
                NDArray swapped = byStudentId.get(parameter.getId());
                return swapped != null ? swapped : super.getValue(parameter, device, training);
            }
        };
    }

    /** {@code teacher = decay * teacher + (1 - decay) * student}, outside any gradient graph. */
    public void update(double decay) {
        for (int i = 0; i < student.size(); i++) {
            // No gradients flow here, so scalar operands are safe.
            weights.get(i).muli((float) decay).addi(student.get(i).getArray().mul((float) (1 - decay)));
        }
    }
}
