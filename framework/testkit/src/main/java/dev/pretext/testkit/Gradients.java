package dev.pretext.testkit;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

import java.util.ArrayList;
import java.util.List;

/** Reads the gradients a backward pass left on parameters. */
public final class Gradients {
    private Gradients() {
    }

    /** Every parameter's gradient, flattened in iteration order; the gradients are zeroed afterwards. */
    public static float[] takeAll(Iterable<Parameter> parameters) {
        List<float[]> parts = new ArrayList<>();
        int size = 0;
        for (Parameter p : parameters) {
            try (NDArray grad = p.getArray().getGradient()) {
                float[] g = grad.toFloatArray();
                parts.add(g);
                size += g.length;
                grad.subi(grad);
            }
        }
        float[] all = new float[size];
        int at = 0;
        for (float[] g : parts) {
            System.arraycopy(g, 0, all, at, g.length);
            at += g.length;
        }
        return all;
    }
}
