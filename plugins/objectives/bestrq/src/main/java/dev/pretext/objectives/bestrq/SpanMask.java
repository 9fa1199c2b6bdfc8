package dev.pretext.objectives.bestrq;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Which label frames are masked, for a padded batch of {@code rows} x {@code width} label frames. Each row of n
 * real label frames gets k non-overlapping spans of {@code min(span, n)} frames, k drawn by stochastic rounding of
 * {@code n * maskProb / spanLength} so that the expected covered share is {@code maskProb} (capped when no more
 * spans fit). Padding is never masked.
 *
 * @param masked 1 where a label frame is masked, row-major [rows x width]
 * @param count  masked label frames
 */
record SpanMask(float[] masked, int count) {
    static SpanMask draw(int[] realFrames, int width, double maskProb, int span, RandomGenerator rng) {
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
        return new SpanMask(masked, count);
    }
}
