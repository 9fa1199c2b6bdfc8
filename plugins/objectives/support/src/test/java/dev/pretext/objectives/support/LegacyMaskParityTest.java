package dev.pretext.objectives.support;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** TEMPORARY: the four old copies, verbatim, against the one SpanMask; removed with the copies. */
class LegacyMaskParityTest {
    static final class OldSupport {
    static float[] draw(int[] lengths, int frames, double prob, int span, RandomGenerator rng) {
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
        return masked;
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


    }
    static final class OldHubert {
    static float[] draw(int[] lengths, int frames, int span, double maskProb, RandomGenerator rng) {
        float[] mask = new float[lengths.length * frames];
        int[] pool = new int[frames + 1];
        for (int b = 0; b < lengths.length; b++) {
            int n = lengths[b];
            if (n <= 0) {
                continue;
            }
            int length = Math.min(span, n);
            int positions = n - length + 1;
            int count = (int) Math.floor(maskProb * n / length + rng.nextDouble());
            count = Math.min(count, positions);
            for (int i = 0; i < positions; i++) {
                pool[i] = i;
            }
            // partial Fisher-Yates: the first count entries are a uniform random subset of the starts
            for (int i = 0; i < count; i++) {
                int j = i + rng.nextInt(positions - i);
                int start = pool[j];
                pool[j] = pool[i];
                pool[i] = start;
                for (int t = start; t < start + length; t++) {
                    mask[b * frames + t] = 1f;
                }
            }
        }
        return mask;
    }
    }
    static final class OldBestRq {
    static float[] draw(int[] realFrames, int width, double maskProb, int span, RandomGenerator rng) {
        float[] masked = new float[realFrames.length * width];
        int count = 0;
        for (int row = 0; row < realFrames.length; row++) {
            int n = Math.min(realFrames[row], width);
            if (n == 0) {
                continue;
            }
            int length = Math.min(span, n);
            double expected = n * maskProb / length;
            int spans = (int) Math.floor(expected) + (rng.nextDouble() < expected - Math.floor(expected) ? 1 : 0);
            spans = Math.min(spans, n / length);
            if (spans == 0) {
                continue;
            }
            // Choosing k sorted slots among (free frames + k) and widening each to a span places k
            // non-overlapping spans uniformly.
            int slots = n - spans * length + spans;
            int[] pool = new int[slots];
            for (int i = 0; i < slots; i++) {
                pool[i] = i;
            }
            for (int i = 0; i < spans; i++) {
                int j = i + rng.nextInt(slots - i);
                int t = pool[i];
                pool[i] = pool[j];
                pool[j] = t;
            }
            int[] chosen = Arrays.copyOf(pool, spans);
            Arrays.sort(chosen);
            for (int i = 0; i < spans; i++) {
                int start = chosen[i] + i * (length - 1);
                for (int t = start; t < start + length; t++) {
                    masked[row * width + t] = 1f;
                }
            }
            count += spans * length;
        }
        return masked;
    }
    }
    static final class OldMam {
    static int[] spanStarts(int n, int spanLength, double maskProb, RandomGenerator rng) {
        double expected = n * maskProb / spanLength;
        int count = (int) Math.floor(expected);
        if (rng.nextDouble() < expected - count) {
            count++;
        }
        count = Math.min(count, n / spanLength);
        int slots = n - count * spanLength + count;
        int[] pool = new int[slots];
        for (int i = 0; i < slots; i++) {
            pool[i] = i;
        }
        // partial Fisher-Yates: the first count entries become a uniform random subset
        for (int i = 0; i < count; i++) {
            int j = i + rng.nextInt(slots - i);
            int swap = pool[i];
            pool[i] = pool[j];
            pool[j] = swap;
        }
        int[] starts = Arrays.copyOf(pool, count);
        Arrays.sort(starts);
        for (int i = 0; i < count; i++) {
            starts[i] += i * (spanLength - 1);
        }
        return starts;
    }


    }

    @Test
    void everyObjectiveDrawsTheMasksItDrewBefore() {
        int cases = 0;
        for (long seed = 1; seed <= 3000; seed++) {
            SplittableRandom setup = new SplittableRandom(seed * 7919);
            int batch = 1 + setup.nextInt(6);
            int frames = 1 + setup.nextInt(400);
            int[] lengths = new int[batch];
            for (int b = 0; b < batch; b++) {
                lengths[b] = setup.nextInt(4) == 0 ? frames : setup.nextInt(frames + 1);
            }
            double prob = setup.nextInt(5) == 0 ? 1.0 : setup.nextDouble();
            int span = 1 + setup.nextInt(15);
            // wav2vec2, data2vec
            SplittableRandom a = new SplittableRandom(seed);
            SplittableRandom b = new SplittableRandom(seed);
            assertArrayEquals(OldSupport.draw(lengths, frames, prob, span, a),
                    SpanMask.draw(lengths, frames, prob, span, b).masked());
            assertEquals(a.nextLong(), b.nextLong(), "generator state after wav2vec2's mask");
            // hubert
            a = new SplittableRandom(seed);
            b = new SplittableRandom(seed);
            assertArrayEquals(OldHubert.draw(lengths, frames, span, prob, a),
                    SpanMask.draw(lengths, frames, prob, span, SpanMask.Placement.OVERLAPPING, b).masked());
            assertEquals(a.nextLong(), b.nextLong(), "generator state after hubert's mask");
            // bestrq
            a = new SplittableRandom(seed);
            b = new SplittableRandom(seed);
            assertArrayEquals(OldBestRq.draw(lengths, frames, prob, span, a),
                    SpanMask.draw(lengths, frames, prob, span, SpanMask.Placement.NON_OVERLAPPING, b).masked());
            assertEquals(a.nextLong(), b.nextLong(), "generator state after bestrq's mask");
            // mam, row by row
            a = new SplittableRandom(seed);
            b = new SplittableRandom(seed);
            for (int n : lengths) {
                if (n > 0) {
                    assertArrayEquals(OldMam.spanStarts(n, Math.min(span, n), prob, a),
                            SpanMask.starts(n, span, prob, SpanMask.Placement.NON_OVERLAPPING, b));
                }
            }
            assertEquals(a.nextLong(), b.nextLong(), "generator state after mam's starts");
            cases++;
        }
        assertEquals(3000, cases);
    }
}
