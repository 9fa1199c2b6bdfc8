package dev.pretext.probes.support;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Arrays;

/**
 * Connectionist temporal classification (Graves et al., 2006), which DJL lacks. The forward-backward
 * recursions run on plain arrays in Java, in double precision, with per-frame scaling (log space where that
 * underflows): they are little work beside a
 * probe head's matrix products. {@link #loss} returns a scalar whose value is the CTC loss and whose gradient
 * with respect to the logits is the exact CTC gradient, so it can be used in a DJL graph like any loss.
 */
public final class Ctc {
    /**
     * @param losses   negative log-likelihood of each utterance's target ({@code +inf} when the target cannot be
     *                 aligned to so few frames)
     * @param gradient d(sum of finite losses) / d(logits), shaped like the logits; zero beyond each input length
     *                 and for infeasible utterances
     */
    public record Result(double[] losses, float[] gradient) {
    }

    private Ctc() {
    }

    /**
     * @param logits       [batch, frames, classes] row-major, before log-softmax
     * @param inputLengths real frames per utterance
     * @param targets      label indices per utterance, none equal to {@code blank}
     */
    public static Result lossAndGradient(float[] logits, int batch, int frames, int classes, int[] inputLengths,
                                         int[][] targets, int blank) {
        if (logits.length != batch * frames * classes) {
            throw new IllegalArgumentException("logits hold " + logits.length + " values, expected " + batch + " x "
                    + frames + " x " + classes);
        }
        double[] losses = new double[batch];
        float[] gradient = new float[logits.length];
        for (int b = 0; b < batch; b++) {
            int length = inputLengths[b];
            if (length < 0 || length > frames) {
                throw new IllegalArgumentException("input length " + length + " of utterance " + b + " is outside [0, "
                        + frames + "]");
            }
            losses[b] = utterance(logits, b * frames * classes, length, classes, targets[b], blank, gradient);
        }
        return new Result(losses, gradient);
    }

    private static double utterance(float[] logits, int offset, int frames, int classes, int[] target, int blank,
                                    float[] gradient) {
        double loss = scaled(logits, offset, frames, classes, target, blank, gradient);
        // Underflow even after scaling (an all but impossible alignment): the log-space recursion is exact there.
        return Double.isNaN(loss) ? logSpace(logits, offset, frames, classes, target, blank, gradient) : loss;
    }

    /** The labels with a blank before, between and after them: the states of the CTC lattice. */
    private static int[] extended(int[] target, int blank, int classes) {
        int states = 2 * target.length + 1;
        int[] extended = new int[states];
        for (int s = 0; s < states; s++) {
            extended[s] = s % 2 == 0 ? blank : target[s / 2];
            if (s % 2 == 1 && (extended[s] == blank || extended[s] < 0 || extended[s] >= classes)) {
                throw new IllegalArgumentException("target label " + extended[s] + " is the blank or not a class");
            }
        }
        return extended;
    }

    /**
     * The forward-backward recursions in probability space, each frame's row rescaled to sum to 1 (Rabiner's
     * scaling; the log-likelihood is the sum of the log scale factors). Far fewer exp and log calls than log space,
     * which made CTC the probes' bottleneck. Returns NaN when a row underflows to zero (the caller falls back).
     */
    private static double scaled(float[] logits, int offset, int frames, int classes, int[] target, int blank,
                                 float[] gradient) {
        int[] extended = extended(target, blank, classes);
        int states = extended.length;
        if (frames == 0) {
            return target.length == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        if (minimumFrames(target) > frames) {
            return Double.POSITIVE_INFINITY;
        }
        double[][] probs = new double[frames][classes];
        for (int t = 0; t < frames; t++) {
            int row = offset + t * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, logits[row + k]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                probs[t][k] = Math.exp(logits[row + k] - max);
                sum += probs[t][k];
            }
            for (int k = 0; k < classes; k++) {
                probs[t][k] /= sum;
            }
        }
        double[][] alpha = new double[frames][states];
        double[][] beta = new double[frames][states];
        double logLikelihood = 0;
        alpha[0][0] = probs[0][blank];
        if (states > 1) {
            alpha[0][1] = probs[0][extended[1]];
        }
        for (int t = 0; t < frames; t++) {
            if (t > 0) {
                for (int s = 0; s < states; s++) {
                    double a = alpha[t - 1][s];
                    if (s >= 1) {
                        a += alpha[t - 1][s - 1];
                    }
                    // Skipping a blank is allowed only between two different labels.
                    if (s >= 2 && extended[s] != blank && extended[s] != extended[s - 2]) {
                        a += alpha[t - 1][s - 2];
                    }
                    alpha[t][s] = a * probs[t][extended[s]];
                }
            }
            double scale = 0;
            for (int s = 0; s < states; s++) {
                scale += alpha[t][s];
            }
            if (!(scale > 0) || !Double.isFinite(scale)) {
                return Double.NaN;
            }
            for (int s = 0; s < states; s++) {
                alpha[t][s] /= scale;
            }
            logLikelihood += Math.log(scale);
        }
        int last = frames - 1;
        double end = alpha[last][states - 1] + (states > 1 ? alpha[last][states - 2] : 0);
        if (!(end > 0)) {
            return Double.NaN;
        }
        logLikelihood += Math.log(end);

        beta[last][states - 1] = probs[last][blank];
        if (states > 1) {
            beta[last][states - 2] = probs[last][extended[states - 2]];
        }
        for (int t = last; t >= 0; t--) {
            if (t < last) {
                for (int s = 0; s < states; s++) {
                    double v = beta[t + 1][s];
                    if (s + 1 < states) {
                        v += beta[t + 1][s + 1];
                    }
                    if (s + 2 < states && extended[s] != blank && extended[s] != extended[s + 2]) {
                        v += beta[t + 1][s + 2];
                    }
                    beta[t][s] = v * probs[t][extended[s]];
                }
            }
            double scale = 0;
            for (int s = 0; s < states; s++) {
                scale += beta[t][s];
            }
            if (!(scale > 0) || !Double.isFinite(scale)) {
                return Double.NaN;
            }
            for (int s = 0; s < states; s++) {
                beta[t][s] /= scale;
            }
        }
        // alpha_t(s) beta_t(s) / y_t(label of s), summed over s, is the same for every t (the likelihood), so
        // normalising it per frame cancels both scale factors and gives each state's posterior occupancy.
        double[] occupancy = new double[classes];
        for (int t = 0; t < frames; t++) {
            Arrays.fill(occupancy, 0);
            double total = 0;
            for (int s = 0; s < states; s++) {
                int k = extended[s];
                if (probs[t][k] > 0) {
                    double gamma = alpha[t][s] * beta[t][s] / probs[t][k];
                    occupancy[k] += gamma;
                    total += gamma;
                }
            }
            if (!(total > 0) || !Double.isFinite(total)) {
                return Double.NaN;
            }
            int row = offset + t * classes;
            for (int k = 0; k < classes; k++) {
                gradient[row + k] = (float) (probs[t][k] - occupancy[k] / total);
            }
        }
        return -logLikelihood;
    }

    private static double logSpace(float[] logits, int offset, int frames, int classes, int[] target, int blank,
                                   float[] gradient) {
        int labels = target.length;
        int[] extended = extended(target, blank, classes);
        int states = extended.length;
        if (frames == 0) {
            return labels == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        double[][] logProbs = new double[frames][classes];
        for (int t = 0; t < frames; t++) {
            int row = offset + t * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, logits[row + k]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                sum += Math.exp(logits[row + k] - max);
            }
            double logSum = max + Math.log(sum);
            for (int k = 0; k < classes; k++) {
                logProbs[t][k] = logits[row + k] - logSum;
            }
        }
        double[][] alpha = new double[frames][states];
        double[][] beta = new double[frames][states];
        for (double[] a : alpha) {
            Arrays.fill(a, Double.NEGATIVE_INFINITY);
        }
        for (double[] a : beta) {
            Arrays.fill(a, Double.NEGATIVE_INFINITY);
        }
        alpha[0][0] = logProbs[0][blank];
        if (states > 1) {
            alpha[0][1] = logProbs[0][extended[1]];
        }
        for (int t = 1; t < frames; t++) {
            for (int s = 0; s < states; s++) {
                double a = alpha[t - 1][s];
                if (s >= 1) {
                    a = logAdd(a, alpha[t - 1][s - 1]);
                }
                // Skipping a blank is allowed only between two different labels.
                if (s >= 2 && extended[s] != blank && extended[s] != extended[s - 2]) {
                    a = logAdd(a, alpha[t - 1][s - 2]);
                }
                alpha[t][s] = a + logProbs[t][extended[s]];
            }
        }
        int last = frames - 1;
        beta[last][states - 1] = logProbs[last][blank];
        if (states > 1) {
            beta[last][states - 2] = logProbs[last][extended[states - 2]];
        }
        for (int t = last - 1; t >= 0; t--) {
            for (int s = 0; s < states; s++) {
                double v = beta[t + 1][s];
                if (s + 1 < states) {
                    v = logAdd(v, beta[t + 1][s + 1]);
                }
                if (s + 2 < states && extended[s] != blank && extended[s] != extended[s + 2]) {
                    v = logAdd(v, beta[t + 1][s + 2]);
                }
                beta[t][s] = v + logProbs[t][extended[s]];
            }
        }
        double logLikelihood = states > 1 ? logAdd(alpha[last][states - 1], alpha[last][states - 2])
                : alpha[last][0];
        if (logLikelihood == Double.NEGATIVE_INFINITY) {
            return Double.POSITIVE_INFINITY;
        }
        // d(-log p)/d(logit[t][k]) = softmax[t][k] - (occupancy of label k at t) / p, where occupancy sums
        // alpha * beta / emission over the states carrying k.
        double[] occupancy = new double[classes];
        for (int t = 0; t < frames; t++) {
            Arrays.fill(occupancy, Double.NEGATIVE_INFINITY);
            for (int s = 0; s < states; s++) {
                int k = extended[s];
                occupancy[k] = logAdd(occupancy[k], alpha[t][s] + beta[t][s] - logProbs[t][k]);
            }
            int row = offset + t * classes;
            for (int k = 0; k < classes; k++) {
                gradient[row + k] = (float) (Math.exp(logProbs[t][k]) - Math.exp(occupancy[k] - logLikelihood));
            }
        }
        return -logLikelihood;
    }

    private static double logAdd(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
    }

    /**
     * The summed CTC loss of a batch as a scalar in the graph: its value is the loss, its gradient with respect
     * to {@code logits} ([B, T, C]) the exact CTC gradient (a surrogate {@code sum(logits * g)} carries it).
     * Utterances whose target cannot be aligned are left out of both.
     */
    public static NDArray loss(NDArray logits, int[] inputLengths, int[][] targets, int blank) {
        long[] shape = logits.getShape().getShape();
        int batch = (int) shape[0];
        int frames = (int) shape[1];
        int classes = (int) shape[2];
        // The forward-backward runs on the host: the logits are copied there (a GPU-to-host copy on a GPU) ...
        Result r = lossAndGradient(logits.toFloatArray(), batch, frames, classes, inputLengths, targets, blank);
        double total = 0;
        for (double l : r.losses()) {
            if (Double.isFinite(l)) {
                total += l;
            }
        }
        NDManager manager = logits.getManager();
        Device device = logits.getDevice();
        // ... and its results copied back explicitly to the logits' device, whatever the manager's default.
        // Arrays, never Number operands: DJL frees those before autograd has used them.
        NDArray g = manager.create(r.gradient(), logits.getShape()).toDevice(device, false);
        NDArray carrier = logits.mul(g).sum();
        return carrier.sub(carrier.stopGradient()).add(manager.create((float) total).toDevice(device, false));
    }

    /**
     * Greedy (best path) decoding: the most likely class of every frame, runs of one class merged, blanks
     * dropped. A blank between two equal labels keeps both, which is how CTC spells a doubled label.
     *
     * @param bestPerFrame the argmax class of each real frame (padding excluded)
     */
    public static int[] greedyDecode(long[] bestPerFrame, int blank) {
        int[] out = new int[bestPerFrame.length];
        int n = 0;
        long previous = blank;
        for (long best : bestPerFrame) {
            if (best != blank && best != previous) {
                out[n++] = (int) best;
            }
            previous = best;
        }
        return Arrays.copyOf(out, n);
    }

    /** The fewest frames that can carry {@code target}: one per label, plus a blank between two equal labels. */
    public static int minimumFrames(int[] target) {
        int frames = target.length;
        for (int i = 1; i < target.length; i++) {
            frames += target[i] == target[i - 1] ? 1 : 0;
        }
        return frames;
    }
}
