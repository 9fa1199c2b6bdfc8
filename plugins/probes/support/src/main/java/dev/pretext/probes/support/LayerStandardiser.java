package dev.pretext.probes.support;

import dev.pretext.api.probe.LayerStack;

import java.util.List;

/**
 * Per layer and unit mean and standard deviation over the training frames. Upstreams differ wildly in scale
 * (log-mel energies vs. normalised hidden states), so the weighted sum only compares layers fairly once every
 * unit is standardised.
 */
public final class LayerStandardiser {
    private final int layers;
    private final int dim;
    private final float[] mean;
    private final float[] invStd;

    private LayerStandardiser(int layers, int dim, float[] mean, float[] invStd) {
        this.layers = layers;
        this.dim = dim;
        this.mean = mean;
        this.invStd = invStd;
    }

    public static LayerStandardiser fit(List<LayerStack> stacks) {
        LayerStack first = stacks.get(0);
        int layers = first.layers();
        int dim = first.dim();
        int width = layers * dim;
        // Sums are shifted by the first frame so that large offsets (e.g. log energies) keep their precision.
        double[] shift = new double[width];
        for (int l = 0; l < layers; l++) {
            for (int d = 0; d < dim; d++) {
                shift[l * dim + d] = first.frames() > 0 ? first.data()[first.offset(l, 0) + d] : 0;
            }
        }
        double[] sum = new double[width];
        double[] sumSquares = new double[width];
        long count = 0;
        for (LayerStack stack : stacks) {
            float[] data = stack.data();
            for (int l = 0; l < layers; l++) {
                for (int t = 0; t < stack.frames(); t++) {
                    int from = stack.offset(l, t);
                    int unit = l * dim;
                    for (int d = 0; d < dim; d++) {
                        double v = data[from + d] - shift[unit + d];
                        sum[unit + d] += v;
                        sumSquares[unit + d] += v * v;
                    }
                }
            }
            count += stack.frames();
        }
        if (count == 0) {
            throw new IllegalArgumentException("the training utterances have no frames to standardise");
        }
        float[] mean = new float[width];
        float[] invStd = new float[width];
        for (int i = 0; i < width; i++) {
            double m = sum[i] / count;
            double variance = Math.max(0, sumSquares[i] / count - m * m);
            mean[i] = (float) (m + shift[i]);
            // A unit constant over the training data carries no information: silence it rather than blow it up.
            invStd[i] = variance > 1e-12 ? (float) (1 / Math.sqrt(variance)) : 0f;
        }
        return new LayerStandardiser(layers, dim, mean, invStd);
    }

    /** Writes unit values of frame {@code t} of one layer, standardised, as {@code dim} values at {@code to}. */
    public void copyFrame(LayerStack stack, int layer, int t, float[] destination, int to) {
        float[] data = stack.data();
        int from = stack.offset(layer, t);
        int unit = layer * dim;
        for (int d = 0; d < dim; d++) {
            destination[to + d] = (data[from + d] - mean[unit + d]) * invStd[unit + d];
        }
    }

    /** The whole stack standardised, in its own layer-major [layers, frames, dim] layout. */
    public float[] standardise(LayerStack stack) {
        float[] out = new float[stack.data().length];
        for (int l = 0; l < layers; l++) {
            for (int t = 0; t < stack.frames(); t++) {
                copyFrame(stack, l, t, out, stack.offset(l, t));
            }
        }
        return out;
    }
}
