package dev.pretext.augmentations.noise;

import dev.pretext.dsp.Fft;

import java.util.random.RandomGenerator;

/**
 * Gaussian noise with a power spectrum proportional to {@code 1/f^beta}: white (beta 0), pink (1, -3 dB per
 * octave) and brown (2, -6 dB per octave). Pink and brown are shaped in the frequency domain (random complex
 * Gaussian bins scaled by {@code f^(-beta/2)}, one inverse FFT), which gives the exact slope; below 20 Hz their
 * spectrum is empty, because there 1/f noise would hold most of the power without being audible, and the SNR
 * would then overstate how loud the noise sounds.
 */
final class ColouredNoise {
    static final double LOWEST_HZ = 20.0;

    private ColouredNoise() {
    }

    static double[] generate(String colour, int length, int sampleRate, RandomGenerator rng) {
        return switch (colour) {
            case "white" -> white(length, rng);
            case "pink" -> shaped(1.0, length, sampleRate, rng);
            case "brown" -> shaped(2.0, length, sampleRate, rng);
            default -> throw new IllegalArgumentException("unknown noise colour " + colour);
        };
    }

    private static double[] white(int length, RandomGenerator rng) {
        double[] x = new double[length];
        for (int i = 0; i < length; i++) {
            x[i] = rng.nextGaussian();
        }
        return x;
    }

    private static double[] shaped(double beta, int length, int sampleRate, RandomGenerator rng) {
        Fft fft = new Fft(Fft.sizeFor(Math.max(2, length)));
        int n = fft.size();
        double[] re = new double[n];
        double[] im = new double[n];
        for (int k = 1; k <= n / 2; k++) {
            double hz = k * (double) sampleRate / n;
            // Drawn for every bin, used or not, so that the stream of draws depends on the length only.
            double a = rng.nextGaussian();
            double b = rng.nextGaussian();
            if (hz < LOWEST_HZ) {
                continue;
            }
            double gain = beta == 1.0 ? 1.0 / Math.sqrt(hz) : Math.pow(hz, -beta / 2); // pow is slow; pink is common
            re[k] = gain * a;
            im[k] = k == n / 2 ? 0 : gain * b; // the Nyquist bin of a real signal is real
            if (k < n / 2) { // Hermitian symmetry: the inverse transform is real
                re[n - k] = re[k];
                im[n - k] = -im[k];
            }
        }
        fft.inverse(re, im);
        double[] x = new double[length];
        System.arraycopy(re, 0, x, 0, length);
        return x;
    }
}
