package dev.pretext.augmentations.reverb;

import dev.pretext.dsp.Fft;

import java.util.Arrays;

/**
 * Linear convolution by overlap-add (Oppenheim and Schafer): the input is cut into blocks that, padded with the
 * filter's length, fit one FFT; each block is filtered in the frequency domain and added back at its offset. Two
 * real blocks ride in one complex FFT (one as the real, one as the imaginary part): the filter is real, so their
 * results come back separated the same way. The cost per sample grows with the log of the filter length, not
 * with the length itself, so a second-long room costs little more than a short one.
 */
final class FftConvolution {
    /** Smallest FFT used for long inputs: below it the per-block overhead dominates. */
    private static final int MIN_BLOCK_FFT = 4096;

    private FftConvolution() {
    }

    /**
     * The FFT size with the least estimated work (transforms of n log n per pair of blocks), from twice the filter
     * up to one transform for the whole input: larger blocks waste less on the filter's overlap, smaller ones
     * less on padding the last block.
     */
    static int blockFft(int inputLength, int filterLength) {
        int largest = Fft.sizeFor(inputLength + filterLength - 1);
        int best = largest;
        double bestCost = Double.MAX_VALUE;
        for (int size = Math.min(largest, Math.max(MIN_BLOCK_FFT, Fft.sizeFor(2 * filterLength))); size <= largest;
             size <<= 1) {
            int blocks = (inputLength + size - filterLength) / (size - filterLength + 1);
            double cost = 2.0 * ((blocks + 1) / 2) * size * Math.log(size);
            if (cost < bestCost) {
                bestCost = cost;
                best = size;
            }
        }
        return best;
    }

    /** The first {@code length} samples of {@code x * h}. */
    static double[] convolve(float[] x, double[] h, int length) {
        int m = h.length;
        int size = blockFft(x.length, m);
        int block = size - m + 1;
        Fft fft = new Fft(size);
        double[] hr = new double[size];
        double[] hi = new double[size];
        System.arraycopy(h, 0, hr, 0, m);
        fft.forward(hr, hi);
        double[] y = new double[length];
        double[] re = new double[size];
        double[] im = new double[size];
        for (int start = 0; start < x.length && start < length; start += 2 * block) {
            Arrays.fill(re, 0);
            Arrays.fill(im, 0);
            int second = start + block;
            for (int i = 0; i < block && start + i < x.length; i++) {
                re[i] = x[start + i];
            }
            for (int i = 0; i < block && second + i < x.length; i++) {
                im[i] = x[second + i];
            }
            fft.forward(re, im);
            for (int k = 0; k < size; k++) {
                double r = re[k] * hr[k] - im[k] * hi[k];
                double j = re[k] * hi[k] + im[k] * hr[k];
                re[k] = r;
                im[k] = j;
            }
            fft.inverse(re, im);
            double norm = 1.0 / size;
            for (int i = 0; i < size && start + i < length; i++) {
                y[start + i] += re[i] * norm;
            }
            for (int i = 0; i < size && second + i < length; i++) {
                y[second + i] += im[i] * norm;
            }
        }
        return y;
    }
}
