package dev.pretext.objectives.hubert;

import java.util.random.RandomGenerator;

/**
 * HuBERT's (and wav2vec 2.0's) time masking: in a row of n real frames, {@code floor(p * n / span + u)} span starts
 * (u uniform in [0, 1), at most n - span + 1) are drawn without replacement from [0, n - span], and the span frames
 * from each start are masked. Spans may overlap, so the masked share is below p (about 1 - e^-p for long rows).
 * Padding is never masked.
 */
final class MaskSpans {
    private MaskSpans() {
    }

    /** 1 where a frame is masked, row-major [rows x frames]. */
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
