package dev.pretext.augmentations.pitch;

/**
 * Time stretch by waveform-similarity overlap-add (WSOLA; Verhelst and Roelands, ICASSP 1993). Output frames of
 * {@code 2 * hop} samples are laid down every {@code hop} samples under a Hann window; the frame for output time
 * t is read from the input near time {@code t * inLength / outLength}, shifted by up to {@code tolerance} samples
 * so that the part overlapping the previous frame best matches what naturally followed that frame in the input.
 * Periodic signals therefore join in phase: whole periods are repeated or skipped and the pitch is unchanged.
 */
final class Wsola {
    /** 32 ms frames (16 ms hop): several pitch periods of any voice, short enough to follow phone changes. */
    static final double HOP_SECONDS = 0.016;
    /** +-8 ms search: one full period of an F0 down to 62.5 Hz, so some shift always lines the periods up. */
    static final double TOLERANCE_SECONDS = 0.008;

    private Wsola() {
    }

    /** {@code x} stretched (or compressed) to exactly {@code outLength} samples. */
    static float[] stretch(float[] x, int outLength, int sampleRate) {
        int hop = Math.max(1, (int) Math.round(HOP_SECONDS * sampleRate));
        int frame = 2 * hop;
        int tolerance = Math.max(1, (int) Math.round(TOLERANCE_SECONDS * sampleRate));
        // Zero padding on both sides lets every candidate frame be read without bounds checks.
        int pad = frame + tolerance;
        float[] xp = new float[x.length + 2 * pad];
        System.arraycopy(x, 0, xp, pad, x.length);
        double[] window = new double[frame];
        for (int i = 0; i < frame; i++) {
            // Hann sampled half a sample off its ends: never zero, and two copies hop apart still add up to one.
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * (i + 0.5) / frame);
        }
        double step = x.length / (double) outLength;
        double[] y = new double[outLength + frame];
        double[] weight = new double[outLength + frame];
        int previous = 0;
        for (int k = 0; (long) k * hop < outLength; k++) {
            int at = k * hop;
            int target = (int) Math.round(at * step);
            int start = k == 0 ? target : bestStart(xp, pad + previous + hop, pad + target, tolerance, hop) - pad;
            int from = pad + start;
            for (int i = 0; i < frame; i++) {
                y[at + i] += window[i] * xp[from + i];
                weight[at + i] += window[i];
            }
            previous = start;
        }
        float[] out = new float[outLength];
        for (int i = 0; i < outLength; i++) {
            out[i] = (float) (y[i] / weight[i]);
        }
        return out;
    }

    /**
     * The start within {@code target +- tolerance} whose first {@code length} samples correlate best (normalised
     * by the candidate's energy) with the {@code length} samples at {@code natural}. Coarse to fine, which quarters
     * the cost: every second shift is scored on every second sample, then the neighbours of the best one on all
     * samples. Ties go to the smallest shift, so silence keeps the ideal position.
     */
    private static int bestStart(float[] xp, int natural, int target, int tolerance, int length) {
        int first = target - tolerance;
        double energy = 0;
        for (int i = 0; i < length; i += 2) {
            energy += xp[first + i] * (double) xp[first + i];
        }
        int best = tolerance - tolerance % 2; // the even shift nearest the ideal position
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c <= 2 * tolerance; c += 2) {
            int candidate = first + c;
            if (c > 0) { // slide the (every-second-sample) energy window by two samples
                double out = xp[candidate - 2];
                double in = xp[candidate + length - 2 + (length % 2)];
                energy += in * in - out * out;
            }
            float dot = 0;
            for (int i = 0; i < length; i += 2) {
                dot += xp[natural + i] * xp[candidate + i];
            }
            double score = energy > 1e-12 ? dot / Math.sqrt(energy) : 0.0;
            if (score > bestScore || (score == bestScore && Math.abs(c - tolerance) < Math.abs(best - tolerance))) {
                bestScore = score;
                best = c;
            }
        }
        int coarse = best;
        bestScore = Double.NEGATIVE_INFINITY;
        for (int c = Math.max(0, coarse - 1); c <= Math.min(2 * tolerance, coarse + 1); c++) {
            double score = fullScore(xp, natural, first + c, length);
            if (score > bestScore || (score == bestScore && Math.abs(c - tolerance) < Math.abs(best - tolerance))) {
                bestScore = score;
                best = c;
            }
        }
        return first + best;
    }

    private static double fullScore(float[] xp, int natural, int candidate, int length) {
        double dot = 0;
        double energy = 0;
        for (int i = 0; i < length; i++) {
            dot += xp[natural + i] * xp[candidate + i];
            energy += xp[candidate + i] * (double) xp[candidate + i];
        }
        return energy > 1e-12 ? dot / Math.sqrt(energy) : 0.0;
    }
}
