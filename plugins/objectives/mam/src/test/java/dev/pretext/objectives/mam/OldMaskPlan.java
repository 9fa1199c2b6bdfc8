package dev.pretext.objectives.mam;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The masking decisions for one padded batch of {@code batch} x {@code frames} x {@code bins}, as plain arrays
 * (row-major, frame index {@code b * frames + t}, bin index {@code b * bins + f}).
 *
 * <p>Time masking: each utterance of n real frames gets k non-overlapping spans of {@code min(span, n)} frames,
 * k drawn by stochastic rounding of {@code n * maskProb / spanLength} so that the expected covered share is
 * exactly {@code maskProb} (capped when spans no longer fit). Each span is independently zeroed (80%),
 * replaced by another span of the same utterance's original frames (10%), or left as is (10%); all three count
 * as selected for the loss. Frequency masking: with probability {@code freqMaskProb} an utterance gets a band of
 * 0..{@code floor(freqMaskWidth * bins)} contiguous bins zeroed on every frame; those bins count as selected on
 * every real frame. Padding is never selected.
 *
 * @param timeSelected 1 where a real frame lies in a time-mask span
 * @param frameKeep    0 where a span is zeroed, else 1
 * @param sourceFrame  the (flat) frame whose original features appear here: itself, or for replaced spans
 *                     a frame of the same utterance
 * @param binSelected  1 for bins in the utterance's frequency band
 * @param binKeep      0 for bins in the utterance's frequency band, else 1
 * @param spanActions  per span chosen, in order: {@link #ZERO}, {@link #REPLACE} or {@link #KEEP}
 * @param lossWeight   number of (frame, bin) positions the loss averages over
 */
record OldMaskPlan(int batch, int frames, int bins, float[] timeSelected, float[] frameKeep, int[] sourceFrame,
                float[] binSelected, float[] binKeep, byte[] spanActions, long lossWeight, int selectedFrames,
                int realFrames, int maskedBins, int utterancesWithFrames) {
    static final byte ZERO = 0;
    static final byte REPLACE = 1;
    static final byte KEEP = 2;

    static OldMaskPlan draw(int[] lengths, int frames, int bins, MamConfig config, RandomGenerator rng) {
        int batch = lengths.length;
        float[] timeSelected = new float[batch * frames];
        float[] frameKeep = new float[batch * frames];
        int[] sourceFrame = new int[batch * frames];
        float[] binSelected = new float[batch * bins];
        float[] binKeep = new float[batch * bins];
        Arrays.fill(frameKeep, 1f);
        Arrays.fill(binKeep, 1f);
        for (int i = 0; i < sourceFrame.length; i++) {
            sourceFrame[i] = i;
        }
        byte[] actions = new byte[16];
        int actionCount = 0;
        long lossWeight = 0;
        int selectedFrames = 0;
        int realFrames = 0;
        int maskedBins = 0;
        int utterancesWithFrames = 0;
        int widestBand = (int) Math.floor(config.freqMaskWidth() * bins);

        for (int b = 0; b < batch; b++) {
            int n = lengths[b];
            if (n < 0 || n > frames) {
                throw new IllegalArgumentException("utterance " + b + " of the batch claims " + n
                        + " real frames but the batch has " + frames);
            }
            if (n == 0) {
                continue;
            }
            utterancesWithFrames++;
            realFrames += n;
            int rowStart = b * frames;
            int spanLength = Math.min(config.span(), n);
            int[] starts = spanStarts(n, spanLength, config.maskProb(), rng);
            int selectedHere = 0;
            for (int start : starts) {
                double u = rng.nextDouble();
                byte action = u < 0.8 ? ZERO : u < 0.9 ? REPLACE : KEEP;
                int source = start;
                if (action == REPLACE) {
                    int otherStarts = n - spanLength;
                    if (otherStarts > 0) {
                        // a start in [0, n - spanLength] other than this span's own
                        source = rng.nextInt(otherStarts);
                        if (source >= start) {
                            source++;
                        }
                    }
                }
                for (int j = 0; j < spanLength; j++) {
                    int at = rowStart + start + j;
                    timeSelected[at] = 1f;
                    if (action == ZERO) {
                        frameKeep[at] = 0f;
                    } else if (action == REPLACE) {
                        sourceFrame[at] = rowStart + source + j;
                    }
                }
                selectedHere += spanLength;
                if (actionCount == actions.length) {
                    actions = Arrays.copyOf(actions, actions.length * 2);
                }
                actions[actionCount++] = action;
            }
            int band = 0;
            if (widestBand > 0 && rng.nextDouble() < config.freqMaskProb()) {
                band = rng.nextInt(widestBand + 1);
                int bandStart = rng.nextInt(bins - band + 1);
                for (int f = bandStart; f < bandStart + band; f++) {
                    binSelected[b * bins + f] = 1f;
                    binKeep[b * bins + f] = 0f;
                }
            }
            selectedFrames += selectedHere;
            maskedBins += band;
            // selected frames count on every bin; the band counts on the remaining real frames
            lossWeight += (long) selectedHere * bins + (long) (n - selectedHere) * band;
        }
        return new OldMaskPlan(batch, frames, bins, timeSelected, frameKeep, sourceFrame, binSelected, binKeep,
                Arrays.copyOf(actions, actionCount), lossWeight, selectedFrames, realFrames, maskedBins,
                utterancesWithFrames);
    }

    /**
     * Sorted starts of k non-overlapping spans in [0, n): k spans and n - k * len free frames can be laid out in
     * C(n - k * len + k, k) ways; picking k distinct slots uniformly and shifting the i-th by i * (len - 1) gives
     * one of them uniformly.
     */
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

    /** Share of real frames inside a time-mask span. */
    double maskedFrameShare() {
        return realFrames == 0 ? 0 : selectedFrames / (double) realFrames;
    }

    /** Mean share of bins in the frequency band, over utterances with at least one real frame. */
    double maskedBinShare() {
        return utterancesWithFrames == 0 ? 0 : maskedBins / ((double) utterancesWithFrames * bins);
    }
}
