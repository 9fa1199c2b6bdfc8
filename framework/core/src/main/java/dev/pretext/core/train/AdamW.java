package dev.pretext.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

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

    public AdamW(List<Parameter> parameters, NDManager manager, double beta1, double beta2, double eps,
                 double weightDecay) {
        this.parameters = List.copyOf(parameters);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        for (Parameter p : parameters) {
            m.add(manager.zeros(p.getArray().getShape()));
            v.add(manager.zeros(p.getArray().getShape()));
        }
    }

    /**
     * One update from the parameters' accumulated gradients, scaled by {@code gradScale} (clipping and
     * averaging over accumulated micro-batches); the gradients are zeroed afterwards.
     */
    public void update(double lr, double gradScale, NDManager scratch) {
        step++;
        double bc1 = 1 - Math.pow(beta1, (double) step);
        double bc2 = 1 - Math.pow(beta2, (double) step);
        // Bias corrections folded into the step size and eps (m/bc1 / (sqrt(v/bc2) + eps) is exactly
        // (lr sqrt(bc2)/bc1) m / (sqrt(v) + eps sqrt(bc2))): fewer temporaries per parameter. No autograd runs
        // here, so Number operands are safe.
        float stepSize = (float) (lr * Math.sqrt(bc2) / bc1);
        float epsHat = (float) (eps * Math.sqrt(bc2));
        try (NDManager tmp = scratch.newSubManager()) {
            for (int i = 0; i < parameters.size(); i++) {
                NDArray w = parameters.get(i).getArray();
                NDArray grad = w.getGradient();
                grad.attach(tmp);
                NDArray g = grad.muli(gradScale);
                m.get(i).muli(beta1).addi(g.mul(1 - beta1));
                v.get(i).muli(beta2).addi(g.muli(g).muli(1 - beta2));
                if (weightDecay > 0 && w.getShape().dimension() > 1) {
                    w.muli(1 - lr * weightDecay);
                }
                // Results land in their first operand's manager: the moments live as long as the run, so their
                // temporaries are moved to the scratch manager, or every step would leak two parameter-sized arrays.
                NDArray denominator = v.get(i).sqrt();
                denominator.attach(tmp);
                NDArray update = m.get(i).div(denominator.addi(epsHat));
                update.attach(tmp);
                w.subi(update.muli(stepSize));
                grad.muli(0);
            }
        }
    }

    /** Global L2 norm of the current gradients (one synchronisation per step). */
    public double gradientNorm(NDManager scratch) {
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
