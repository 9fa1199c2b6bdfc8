package dev.pretext.core.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.pretext.api.model.TeacherSchedule;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The exponential-moving-average copy of the encoder body that an objective asked for (data2vec). Runs the
 * body's own blocks with its weights through a parameter store that swaps them in, so no second encoder is
 * built. Its weights are checkpointed beside the student's, so a resumed run continues with the same teacher.
 * The testkit keeps its objectives' teachers with this class too.
 */
public final class Teacher {
    private final TeacherSchedule schedule;
    private final List<Parameter> student;
    private final List<Parameter> weights = new ArrayList<>();
    private final Map<String, NDArray> byStudentId = new HashMap<>();
    /** Whether the moving average can run as {@link CpuKernels}' single pass. */
    private final CpuKernels.Reach reach;

    public Teacher(TeacherSchedule schedule, List<Parameter> student) {
        this(schedule, student, true);
    }

    /** {@code cpuKernel}: whether {@link CpuKernels} may run where it applies (tests compare both paths). */
    Teacher(TeacherSchedule schedule, List<Parameter> student, boolean cpuKernel) {
        this.schedule = schedule;
        this.student = List.copyOf(student);
        for (Parameter p : student) {
            NDArray copy = p.getArray().duplicate();
            copy.setRequiresGradient(false);
            weights.add(Parameter.builder().setName("teacher_" + p.getName()).setType(Parameter.Type.OTHER)
                    .optArray(copy).optRequiresGrad(false).build());
            byStudentId.put(p.getId(), copy);
        }
        List<NDArray> copies = new ArrayList<>(weights.size());
        weights.forEach(w -> copies.add(w.getArray()));
        this.reach = new CpuKernels.Reach(this.student.size(), cpuKernel, copies);
    }

    /** Whether updates run on {@link CpuKernels} (for tests). */
    boolean onCpuKernel() {
        return kernelApplies();
    }

    /** Whether the kernels reach every teacher and student array. */
    private boolean kernelApplies() {
        return reach.covers(student, s -> true);
    }

    /** The teacher's weights as parameters, for checkpoints (never for the optimiser). */
    public List<Parameter> parameters() {
        return weights;
    }

    /** A store that hands the body the teacher's weights instead of its own. */
    public ParameterStore store(NDManager manager) {
        return new ParameterStore(manager, false) {
            @Override
            public NDArray getValue(Parameter parameter, Device device, boolean training) {
                NDArray swapped = byStudentId.get(parameter.getId());
                return swapped != null ? swapped : super.getValue(parameter, device, training);
            }
        };
    }

    /** Moves the teacher towards the student after optimiser step {@code step} (1-based) of {@code planned}. */
    public void update(long step, long planned, NDManager scratch) {
        update(schedule.decayAt(step, planned), scratch);
    }

    /** {@code teacher = decay * teacher + (1 - decay) * student}, outside any gradient graph. */
    public void update(double decayAt, NDManager scratch) {
        float decay = (float) decayAt;
        if (kernelApplies()) {
            List<FloatBuffer> teachers = new ArrayList<>(student.size());
            List<FloatBuffer> students = new ArrayList<>(student.size());
            for (int i = 0; i < student.size(); i++) {
                teachers.add(CpuKernels.floats(weights.get(i).getArray()));
                students.add(CpuKernels.floats(student.get(i).getArray()));
            }
            CpuKernels.movingAverage(teachers, students, decay);
            return;
        }
        try (NDManager tmp = scratch.newSubManager()) {
            for (int i = 0; i < student.size(); i++) {
                NDArray t = weights.get(i).getArray();
                // No gradients flow here, so scalar operands are safe; the scaled copy would land in the
                // student's (run-long) manager, so it is moved to the scratch one and freed with it.
                NDArray pulled = student.get(i).getArray().mul(1 - decay);
                pulled.attach(tmp);
                t.muli(decay).addi(pulled);
            }
        }
    }
}
