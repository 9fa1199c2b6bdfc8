package dev.pretext.objectives.support;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Which frames of a padded batch are masked, in spans of {@code span} frames ({@code min(span, n)} in a row of n
 * real frames). The objectives place spans in one of two ways ({@link Placement}): overlapping, as fairseq's
 * wav2vec 2.0 and HuBERT draw them, or non-overlapping, as TERA and BEST-RQ need them. Both take all their
 * randomness from the generator handed in, in a fixed order, so the same seed gives the same mask. Padding is
 * never masked.
 *
 * @param masked  row-major [batch, frames], 1 where masked
 * @param indices the masked frames' flat positions {@code b * frames + t}, utterance by utterance, in time order
 * @param offsets where each utterance's masked frames start in {@code indices}; {@code offsets[batch]} is the total
 */
public record SpanMask(int batch, int frames, float[] masked, int[] indices, int[] offsets, int realFrames) {

    /** How the spans of one row are laid out. */
    public enum Placement {
        /**
         * fairseq's {@code compute_mask_indices} without a minimum: {@code floor(prob * n / span + u)} starts (u
         * uniform in [0, 1), at most n - span + 1) drawn without replacement from [0, n - span]. Spans may
         * overlap, so the masked share is below prob (about 1 - e^-prob for long rows); a short row may get no
         * span. HuBERT.
         */
        OVERLAPPING,
        /** {@link #OVERLAPPING} with at least one span per row that has a real frame. wav2vec 2.0, data2vec. */
        OVERLAPPING_AT_LEAST_ONE,
        /**
         * k non-overlapping spans, k the stochastic rounding of {@code prob * n / span} (capped at
         * {@code n / span}), so the expected covered share is exactly prob. TERA-style masked acoustic modelling,
         * BEST-RQ.
         */
        NON_OVERLAPPING
    }

    /** Draws over the real frames of a batch whose valid mask [batch, frames] is 1 on real frames, 0 on padding. */
    public static SpanMask draw(NDArray valid, double prob, int span, RandomGenerator rng) {
        Shape shape = valid.getShape();
        int batch = (int) shape.get(0);
        int frames = (int) shape.get(1);
        return draw(lengths(valid.toFloatArray(), batch, frames), frames, prob, span, rng);
    }

    /** {@link #draw(int[], int, double, int, Placement, RandomGenerator)} placing spans as wav2vec 2.0 does. */
    public static SpanMask draw(int[] lengths, int frames, double prob, int span, RandomGenerator rng) {
        return draw(lengths, frames, prob, span, Placement.OVERLAPPING_AT_LEAST_ONE, rng);
    }

    /** Draws row by row over rows of {@code lengths[b]} real frames, padded to {@code frames}. */
    public static SpanMask draw(int[] lengths, int frames, double prob, int span, Placement placement,
                                RandomGenerator rng) {
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
                for (int start : starts(n, span, prob, placement, rng)) {
                    Arrays.fill(masked, b * frames + start, b * frames + start + length, 1f);
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

    /**
     * The sorted starts of the spans in one row of {@code n > 0} real frames; each span covers {@code min(span, n)}
     * frames from its start. For objectives that decide more per span (what replaces it) with the same generator.
     */
    public static int[] starts(int n, int span, double prob, Placement placement, RandomGenerator rng) {
        if (n <= 0 || span <= 0) {
            throw new IllegalArgumentException("spans need a row with frames and a positive span, got n = " + n
                    + ", span = " + span);
        }
        int length = Math.min(span, n);
        if (placement == Placement.NON_OVERLAPPING) {
            double expected = n * prob / length;
            int count = (int) Math.floor(expected);
            if (rng.nextDouble() < expected - count) {
                count++;
            }
            count = Math.min(count, n / length);
            // k spans and n - k * length free frames can be laid out in C(n - k * length + k, k) ways: k distinct
            // slots, sorted, the i-th shifted by i * (length - 1), give one of them uniformly.
            int[] starts = distinct(n - count * length + count, count, rng);
            Arrays.sort(starts);
            for (int i = 0; i < count; i++) {
                starts[i] += i * (length - 1);
            }
            return starts;
        }
        int choices = n - length + 1;
        int count = Math.min((int) Math.floor(prob * n / length + rng.nextDouble()), choices);
        if (placement == Placement.OVERLAPPING_AT_LEAST_ONE) {
            count = Math.max(1, count);
        }
        int[] starts = distinct(choices, count, rng);
        Arrays.sort(starts);
        return starts;
    }

    /** {@code k} distinct values of [0, n), by a partial Fisher-Yates shuffle (k draws from the generator). */
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
        return Arrays.copyOf(pool, k);
    }

    /**
     * {@code z} [batch, frames, dim] with the masked frames replaced by {@code embedding} [dim]. The mask carries no
     * gradient; the unmasked frames of {@code z} and the embedding do. The mask is created in {@code manager}.
     */
    public NDArray replace(NDManager manager, NDArray z, NDArray embedding) {
        NDArray m = manager.create(masked, new Shape(batch, frames, 1));
        return z.mul(m.neg().add(1f)).add(m.mul(embedding.reshape(1, 1, embedding.size())));
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
