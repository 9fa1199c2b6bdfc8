package dev.pretext.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (decoupled weight decay) with its state held here, so that checkpoints save and restore it exactly.
 * Weight decay skips one-dimensional parameters (biases, norm gains), as is usual for Transformers.
 */
public final class AdamW {
    private final List<Parameter> parameters;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private long step;
    /** Whether the update and the norm can run as {@link CpuKernels}' single passes. */
    private final CpuKernels.Reach reach;

    public AdamW(List<Parameter> parameters, NDManager manager, double beta1, double beta2, double eps,
                 double weightDecay) {
        this(parameters, manager, beta1, beta2, eps, weightDecay, true);
    }

    /** {@code cpuKernel}: whether {@link CpuKernels} may run where it applies (tests compare both paths). */
    AdamW(List<Parameter> parameters, NDManager manager, double beta1, double beta2, double eps, double weightDecay,
          boolean cpuKernel) {
        this.parameters = List.copyOf(parameters);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        for (Parameter p : parameters) {
            m.add(manager.zeros(p.getArray().getShape()));
            v.add(manager.zeros(p.getArray().getShape()));
        }
        List<NDArray> moments = new ArrayList<>(m);
        moments.addAll(v);
        this.reach = new CpuKernels.Reach(this.parameters.size(), cpuKernel, moments);
    }

    /**
     * One update from the parameters' accumulated gradients, scaled by {@code gradScale} (clipping and
     * averaging over accumulated micro-batches); the gradients are zeroed afterwards.
     */
    public void update(double lr, double gradScale) {
        step++;
        double bc1 = 1 - Math.pow(beta1, (double) step);
        double bc2 = 1 - Math.pow(beta2, (double) step);
        // Bias corrections folded into the step size and eps (m/bc1 / (sqrt(v/bc2) + eps) is exactly
        // (lr sqrt(bc2)/bc1) m / (sqrt(v) + eps sqrt(bc2))), which is the form the engine's fused update takes.
        float stepSize = (float) (lr * Math.sqrt(bc2) / bc1);
        float epsHat = (float) (eps * Math.sqrt(bc2));
        if (kernelApplies()) {
            List<NDArray> gradients = new ArrayList<>(parameters.size());
            try {
                List<CpuKernels.Slot> slots = new ArrayList<>(parameters.size());
                for (int i = 0; i < parameters.size(); i++) {
                    NDArray w = parameters.get(i).getArray();
                    NDArray grad = w.getGradient();
                    gradients.add(grad);
                    slots.add(new CpuKernels.Slot(CpuKernels.floats(w), CpuKernels.floats(grad),
                            CpuKernels.floats(m.get(i)), CpuKernels.floats(v.get(i)), decays(w)));
                }
                CpuKernels.update(slots, (float) lr, (float) weightDecay, (float) gradScale, (float) beta1,
                        (float) beta2, stepSize, epsHat);
            } finally {
                gradients.forEach(NDArray::close);
            }
            return;
        }
        for (int i = 0; i < parameters.size(); i++) {
            NDArray w = parameters.get(i).getArray();
            // The engine's fused update, one native call per parameter (GPU arrays, or where the kernel cannot
            // reach the storage): decoupled decay w -= lr wd w, the moments with fused multiply-adds,
            // w -= stepSize m / (sqrt(v) + epsHat), the gradient zeroed.
            try (NDArray grad = w.getGradient()) {
                w.getNDArrayInternal().adamUpdate(new NDList(w, grad, m.get(i), v.get(i)), new NDList(w),
                        (float) lr, stepSize, decays(w) ? (float) weightDecay : 0f, (float) gradScale, -1f,
                        (float) beta1, (float) beta2, epsHat, false, true);
            }
        }
    }

    private boolean decays(NDArray w) {
        return weightDecay > 0 && w.getShape().dimension() > 1;
    }

    /** Whether updates run on {@link CpuKernels} (for tests). */
    boolean onCpuKernel() {
        return kernelApplies();
    }

    /** Whether the kernels reach every weight, moment and gradient. */
    private boolean kernelApplies() {
        return reach.covers(parameters, w -> {
            try (NDArray grad = w.getGradient()) {
                return CpuKernels.aliases(grad);
            }
        });
    }

    /** Global L2 norm of the current gradients (one synchronisation per step). */
    public double gradientNorm(NDManager scratch) {
        if (kernelApplies()) {
            List<NDArray> gradients = new ArrayList<>(parameters.size());
            try {
                List<FloatBuffer> buffers = new ArrayList<>(parameters.size());
                for (Parameter p : parameters) {
                    NDArray grad = p.getArray().getGradient();
                    gradients.add(grad);
                    buffers.add(CpuKernels.floats(grad));
                }
                return Math.sqrt(CpuKernels.sumOfSquares(buffers));
            } finally {
                gradients.forEach(NDArray::close);
            }
        }
        try (NDManager tmp = scratch.newSubManager()) {
            NDArray sum = null;
            for (Parameter p : parameters) {
                NDArray grad = p.getArray().getGradient();
                grad.attach(tmp);
                NDArray sq = grad.square().sum();
                sum = sum == null ? sq : sum.addi(sq);
            }
            return sum == null ? 0 : Math.sqrt(sum.getFloat());
        }
    }

    /**
     * Positions (in the constructor's order) of the parameters whose gradients hold NaN or infinity, or whose
     * squared norm overflows, for diagnosing a diverged step.
     */
    public List<Integer> nonFiniteGradients(NDManager scratch) {
        List<Integer> bad = new ArrayList<>();
        try (NDManager tmp = scratch.newSubManager()) {
            for (int i = 0; i < parameters.size(); i++) {
                NDArray grad = parameters.get(i).getArray().getGradient();
                grad.attach(tmp);
                if (!Float.isFinite(grad.square().sum().getFloat())) {
                    bad.add(i);
                }
            }
        }
        return bad;
    }

    public long step() {
        return step;
    }

    public NDList state() {
        NDList list = new NDList();
        list.addAll(m);
        list.addAll(v);
        return list;
    }

    public void restore(NDList state, long step) {
        if (state.size() != 2 * parameters.size()) {
            throw new IllegalArgumentException("optimizer state holds " + state.size() + " arrays, expected "
                    + 2 * parameters.size() + " (was the checkpoint made for another model?)");
        }
        for (int i = 0; i < parameters.size(); i++) {
            copyInto(m.get(i), state.get(i));
            copyInto(v.get(i), state.get(parameters.size() + i));
        }
        this.step = step;
    }

    private static void copyInto(NDArray target, NDArray source) {
        if (!target.getShape().equals(source.getShape())) {
            throw new IllegalArgumentException("optimizer state shape " + source.getShape() + " does not match "
                    + target.getShape());
        }
        target.set(source.toFloatArray());
    }
}
