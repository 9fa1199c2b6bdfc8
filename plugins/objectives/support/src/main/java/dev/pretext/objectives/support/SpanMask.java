package dev.pretext.objectives.support;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.random.RandomGenerator;

/**
 * Which frames of a padded batch are masked, as wav2vec 2.0 and data2vec draw them: per utterance of n real
 * frames, {@code floor(prob * n / span + u)} span starts (u uniform in [0, 1), at least one) drawn without
 * replacement from [0, n - span], each masking {@code span} frames; spans may overlap, so with prob 0.65 and
 * span 10 about half of the frames end up masked. Padding is never masked.
 *
 * @param masked  row-major [batch, frames], 1 where masked
 * @param indices the masked frames' flat positions {@code b * frames + t}, utterance by utterance, in time order
 * @param offsets where each utterance's masked frames start in {@code indices}; {@code offsets[batch]} is the total
 */
public record SpanMask(int batch, int frames, float[] masked, int[] indices, int[] offsets, int realFrames) {

    /** Draws over the real frames of a batch whose valid mask [batch, frames] is 1 on real frames, 0 on padding. */
    public static SpanMask draw(NDArray valid, double prob, int span, RandomGenerator rng) {
        Shape shape = valid.getShape();
        int batch = (int) shape.get(0);
        int frames = (int) shape.get(1);
        return draw(lengths(valid.toFloatArray(), batch, frames), frames, prob, span, rng);
    }

    /**
     * {@code z} [batch, frames, dim] with the masked frames replaced by {@code embedding} [dim]. The mask carries no
     * gradient; the unmasked frames of {@code z} and the embedding do. The mask is created in {@code manager}.
     */
    public NDArray replace(NDManager manager, NDArray z, NDArray embedding) {
        NDArray m = manager.create(masked, new Shape(batch, frames, 1));
        return z.mul(m.neg().add(1f)).add(m.mul(embedding.reshape(1, 1, embedding.size())));
    }

    public static SpanMask draw(int[] lengths, int frames, double prob, int span, RandomGenerator rng) {
        int batch = lengths.length;
        float[] masked = new float[batch * frames];
        int[] offsets = new int[batch + 1];
        int count = 0;
        int real = 0;
        for (int b = 0; b < batch; b++) {
            int n = lengths[b];
            if (n < 0 || n > frames) {
                throw new IllegalArgumentException("utterance " + b + " of the batch claims " + n
                        + " real frames but the batch has " + frames);
            }
            real += n;
            if (n > 0) {
                int length = Math.min(span, n);
                int choices = n - length + 1;
                int spans = (int) Math.floor(prob * n / length + rng.nextDouble());
                spans = Math.max(1, Math.min(spans, choices));
                for (int start : distinct(choices, spans, rng)) {
                    for (int t = start; t < start + length; t++) {
                        masked[b * frames + t] = 1f;
                    }
                }
            }
            for (int t = 0; t < n; t++) {
                count += masked[b * frames + t] > 0 ? 1 : 0;
            }
            offsets[b + 1] = count;
        }
        int[] indices = new int[count];
        int at = 0;
        for (int i = 0; i < masked.length; i++) {
            if (masked[i] > 0) {
                indices[at++] = i;
            }
        }
        return new SpanMask(batch, frames, masked, indices, offsets, real);
    }

    /** {@code k} distinct values of [0, n), by a partial Fisher-Yates shuffle. */
    private static int[] distinct(int n, int k, RandomGenerator rng) {
        int[] pool = new int[n];
        for (int i = 0; i < n; i++) {
            pool[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int swap = pool[i];
            pool[i] = pool[j];
            pool[j] = swap;
        }
        return java.util.Arrays.copyOf(pool, k);
    }

    /** Frames of a span of {@code spanMs} milliseconds at {@code frameRateHz}, at least one. */
    public static int spanFrames(double spanMs, double frameRateHz) {
        return Math.max(1, (int) Math.round(spanMs * frameRateHz / 1000.0));
    }

    /** Masked frames in all. */
    public int count() {
        return indices.length;
    }

    /** Share of real frames that are masked. */
    public double share() {
        return realFrames == 0 ? 0 : indices.length / (double) realFrames;
    }

    /** Real frames per row, read from a [batch, frames] 0/1 mask. */
    public static int[] lengths(float[] valid, int batch, int frames) {
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            int n = 0;
            for (int t = 0; t < frames; t++) {
                n += valid[b * frames + t] > 0.5f ? 1 : 0;
            }
            lengths[b] = n;
        }
        return lengths;
    }
}
