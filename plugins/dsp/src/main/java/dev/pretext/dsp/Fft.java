package dev.pretext.dsp;

/**
 * In-place iterative radix-2 FFT (Cooley-Tukey, decimation in time) on separate real and imaginary arrays.
 * Immutable once built, so one instance may serve several threads; the inverse is unscaled (divide by n).
 */
public final class Fft {
    private final int n;
    private final double[] cos;
    private final double[] sin;

    public Fft(int n) {
        if (n < 1 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("FFT size must be a power of two, got " + n);
        }
        this.n = n;
        cos = new double[n / 2];
        sin = new double[n / 2];
        for (int k = 0; k < n / 2; k++) {
            cos[k] = Math.cos(2 * Math.PI * k / n);
            sin[k] = Math.sin(2 * Math.PI * k / n);
        }
    }

    /** The smallest power of two that is at least {@code length} (and at least 1). */
    public static int sizeFor(int length) {
        return length <= 1 ? 1 : Integer.highestOneBit(length - 1) << 1;
    }

    public int size() {
        return n;
    }

    public void forward(double[] re, double[] im) {
        transform(re, im, -1);
    }

    /** The inverse transform without the 1/n factor. */
    public void inverse(double[] re, double[] im) {
        transform(re, im, 1);
    }

    private void transform(double[] re, double[] im, int sign) {
        for (int i = 1, j = 0; i < n; i++) { // bit-reversal permutation
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j |= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int half = 1; half < n; half <<= 1) {
            int stride = n / (2 * half);
            for (int start = 0; start < n; start += 2 * half) {
                for (int k = 0; k < half; k++) {
                    double wr = cos[k * stride];
                    double wi = sign * sin[k * stride];
                    int a = start + k;
                    int b = a + half;
                    double xr = re[b] * wr - im[b] * wi;
                    double xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
            }
        }
    }
}
