package dev.pretext.dsp;

/**
 * Power spectrum of a real frame of length {@code n} (a power of two). The real input is packed into a complex
 * sequence of length {@code n / 2} (even samples as real parts, odd samples as imaginary parts), transformed with
 * the {@link Fft} of that length and split into the spectrum of the real signal: half the work of a complex FFT of
 * length {@code n}. The tables are immutable, so one instance serves any number of threads; the caller supplies
 * the scratch arrays.
 */
public final class RealFft {
    private final int n;
    private final int half;
    private final Fft fft;
    /** cos and sin of 2 pi k / n, to split the packed spectrum into the real signal's spectrum. */
    private final double[] cosFull;
    private final double[] sinFull;

    public RealFft(int n) {
        if (n < 4 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("FFT length must be a power of two >= 4, got " + n);
        }
        this.n = n;
        this.half = n / 2;
        fft = new Fft(half);
        cosFull = new double[half + 1];
        sinFull = new double[half + 1];
        for (int k = 0; k <= half; k++) {
            double angle = 2 * Math.PI * k / n;
            cosFull[k] = Math.cos(angle);
            sinFull[k] = Math.sin(angle);
        }
    }

    public int length() {
        return n;
    }

    /** Bins of the power spectrum: DC to Nyquist. */
    public int bins() {
        return half + 1;
    }

    /** Floating-point operations of one {@link #powerSpectrum} call, counted from the loops. */
    public double flops() {
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
    public void powerSpectrum(double[] frame, double[] power, double[] re, double[] im) {
        for (int k = 0; k < half; k++) {
            re[k] = frame[2 * k];
            im[k] = frame[2 * k + 1];
        }
        fft.forward(re, im);
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
