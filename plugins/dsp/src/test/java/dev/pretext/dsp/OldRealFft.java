package dev.pretext.dsp;

/**
 * Power spectrum of a real frame of length {@code n} (a power of two). The real input is packed into a complex
 * sequence of length {@code n / 2} (even samples as real parts, odd samples as imaginary parts), transformed with
 * an iterative radix-2 FFT and split into the spectrum of the real signal: half the work of a complex FFT of
 * length {@code n}. The tables are immutable, so one instance serves any number of threads; the caller supplies
 * the scratch arrays.
 */
final class OldRealFft {
    private final int n;
    private final int half;
    private final int[] bitReversed;
    /** cos and sin of 2 pi k / half, for the butterflies of the half-length complex FFT. */
    private final double[] cosHalf;
    private final double[] sinHalf;
    /** cos and sin of 2 pi k / n, to split the packed spectrum into the real signal's spectrum. */
    private final double[] cosFull;
    private final double[] sinFull;

    OldRealFft(int n) {
        if (n < 4 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("FFT length must be a power of two >= 4, got " + n);
        }
        this.n = n;
        this.half = n / 2;
        int bits = Integer.numberOfTrailingZeros(half);
        bitReversed = new int[half];
        for (int i = 0; i < half; i++) {
            bitReversed[i] = bits == 0 ? 0 : Integer.reverse(i) >>> (32 - bits);
        }
        cosHalf = new double[half / 2];
        sinHalf = new double[half / 2];
        for (int k = 0; k < half / 2; k++) {
            double angle = 2 * Math.PI * k / half;
            cosHalf[k] = Math.cos(angle);
            sinHalf[k] = Math.sin(angle);
        }
        cosFull = new double[half + 1];
        sinFull = new double[half + 1];
        for (int k = 0; k <= half; k++) {
            double angle = 2 * Math.PI * k / n;
            cosFull[k] = Math.cos(angle);
            sinFull[k] = Math.sin(angle);
        }
    }

    int length() {
        return n;
    }

    /** Bins of the power spectrum: DC to Nyquist. */
    int bins() {
        return half + 1;
    }

    /** Floating-point operations of one {@link #powerSpectrum} call, counted from the loops below. */
    double flops() {
        double butterflies = (half / 2.0) * Integer.numberOfTrailingZeros(half);
        double complexFft = 10 * butterflies;            // complex multiply (6) + two complex adds (4)
        double split = 16.0 * (half - 1) + 4;            // per bin: halves (8), twiddle multiply (6), sum (2)
        double power = 3.0 * (half + 1);                 // re^2 + im^2
        return complexFft + split + power;
    }

    /**
     * Writes |X[k]|^2 for k = 0..n/2 into {@code power}.
     *
     * @param frame n real samples (not modified)
     * @param re    scratch of length n/2
     * @param im    scratch of length n/2
     */
    void powerSpectrum(double[] frame, double[] power, double[] re, double[] im) {
        for (int k = 0; k < half; k++) {
            int j = bitReversed[k];
            re[j] = frame[2 * k];
            im[j] = frame[2 * k + 1];
        }
        // Decimation in time over the bit-reversed sequence; twiddle exp(-2 pi i j / size).
        for (int size = 2; size <= half; size <<= 1) {
            int span = size >> 1;
            int stride = half / size;
            for (int start = 0; start < half; start += size) {
                for (int j = 0; j < span; j++) {
                    double wr = cosHalf[j * stride];
                    double wi = -sinHalf[j * stride];
                    int a = start + j;
                    int b = a + span;
                    double tr = wr * re[b] - wi * im[b];
                    double ti = wr * im[b] + wi * re[b];
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
        // Z = E + iO, with E and O the spectra of the even and odd samples; X[k] = E[k] + exp(-2 pi i k / n) O[k].
        double dc = re[0] + im[0];
        double nyquist = re[0] - im[0];
        power[0] = dc * dc;
        power[half] = nyquist * nyquist;
        for (int k = 1; k < half; k++) {
            double zr = re[k];
            double zi = im[k];
            double cr = re[half - k];
            double ci = -im[half - k];            // conj(Z[half - k])
            double er = 0.5 * (zr + cr);
            double ei = 0.5 * (zi + ci);
            double dr = 0.5 * (zr - cr);
            double di = 0.5 * (zi - ci);
            double oddRe = di;                      // O = (Z - conj(Z[half-k])) / 2i
            double oddIm = -dr;
            double wr = cosFull[k];
            double wi = -sinFull[k];
            double xr = er + wr * oddRe - wi * oddIm;
            double xi = ei + wr * oddIm + wi * oddRe;
            power[k] = xr * xr + xi * xi;
        }
    }
}
