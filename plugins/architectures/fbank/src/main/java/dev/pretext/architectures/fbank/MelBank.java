package dev.pretext.architectures.fbank;

import java.util.Arrays;

/**
 * Kaldi's triangular mel filters: {@code bins} triangles equally spaced on the mel scale
 * {@code 1127 ln(1 + f / 700)} between {@code lowHz} and {@code highHz}, each rising from its left edge to its
 * centre and falling to its right edge, evaluated at the FFT bin frequencies 0 .. n/2 - 1 (Kaldi leaves the
 * Nyquist bin out). Stored sparsely: each filter keeps the run of FFT bins where it is non-zero.
 */
final class MelBank {
    private final int[] first;
    private final double[][] weights;
    private final int nonZero;

    MelBank(int bins, int fftLength, double sampleRate, double lowHz, double highHz) {
        double binHz = sampleRate / fftLength;
        double melLow = mel(lowHz);
        double melHigh = mel(highHz);
        double melStep = (melHigh - melLow) / (bins + 1);
        int fftBins = fftLength / 2;
        first = new int[bins];
        weights = new double[bins][];
        int count = 0;
        for (int b = 0; b < bins; b++) {
            double left = melLow + b * melStep;
            double centre = melLow + (b + 1) * melStep;
            double right = melLow + (b + 2) * melStep;
            double[] dense = new double[fftBins];
            int lo = -1;
            int hi = -1;
            for (int k = 0; k < fftBins; k++) {
                double m = mel(binHz * k);
                double up = (m - left) / (centre - left);
                double down = (right - m) / (right - centre);
                double w = Math.max(0.0, Math.min(up, down));
                dense[k] = w;
                if (w > 0) {
                    if (lo < 0) {
                        lo = k;
                    }
                    hi = k;
                }
            }
            if (lo < 0) {
                throw new IllegalArgumentException("mel band " + b + " of " + bins + " covers no bin of a "
                        + fftLength + "-point FFT; use fewer bins or a longer frame_ms");
            }
            first[b] = lo;
            weights[b] = Arrays.copyOfRange(dense, lo, hi + 1);
            count += weights[b].length;
        }
        nonZero = count;
    }

    static double mel(double hz) {
        return 1127.0 * Math.log(1.0 + hz / 700.0);
    }

    int bins() {
        return first.length;
    }

    /** Filter weights stored (multiply-adds per frame). */
    int nonZero() {
        return nonZero;
    }

    /** Energy of filter {@code b} over a power spectrum. */
    double apply(int b, double[] power) {
        double[] w = weights[b];
        int offset = first[b];
        double sum = 0;
        for (int k = 0; k < w.length; k++) {
            sum += w[k] * power[offset + k];
        }
        return sum;
    }
}
