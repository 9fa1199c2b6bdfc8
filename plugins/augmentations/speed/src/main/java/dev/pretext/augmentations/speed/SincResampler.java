package dev.pretext.augmentations.speed;

/**
 * Band-limited resampling by one fixed ratio, irrational ratios included: a linear-phase, Kaiser-windowed sinc
 * low-pass read from a polyphase table (Smith's "bandlimited interpolation"). Output sample n is the
 * band-limited input at time {@code n * speed} (in input samples): no delay, so the output lines up with the
 * input's time axis the way SoX's delay-compensated {@code rate} does.
 *
 * <p>The filter is specified like SoX's default ("high quality", 20-bit) rate effect, which {@code sox speed}
 * appends: pass band to 91.4% of the lower rate's Nyquist frequency (0 dB point; the -3 dB point falls at 95%),
 * stop band from 100% of it with 132 dB attenuation; β and the length follow from Kaiser's formulas. For speed
 * 0.9 that is about 96 zero crossings on each side, 200 input samples. Matching SoX's transition band matters
 * more than anything else: speech keeps energy right below the lower Nyquist frequency, and a filter that rolls
 * off there differently (TarsosDSP's, used before) agrees with SoX only to 31-34 dB on speech.
 *
 * <p>A ratio p/q with q up to {@link #PHASES} (0.9 = 9/10, 1.1 = 11/10: every factor written with a decimal or
 * two) visits only q fractional positions, so the table holds exactly those and each output is one dot product.
 * Any other ratio reads {@code PHASES + 1} tabulated positions per input sample and interpolates linearly
 * between the two around the output time: two dot products, about 1.7 times the work.
 *
 * <p>Immutable after construction, so one instance serves any number of threads.
 */
final class SincResampler {
    /** End of the pass band (0 dB point), as a fraction of the lower rate's Nyquist frequency. */
    static final double PASSBAND = 0.9136;
    /** Start of the stop band: the lower rate's Nyquist frequency, so nothing aliases. */
    static final double STOPBAND = 1.0;
    /** Stop-band attenuation, dB: what SoX's two-stage "high" design asks of each stage. */
    static final double ATTENUATION_DB = 132;
    /**
     * Tabulated positions per input sample for ratios that are not a small fraction. Linear interpolation
     * between them errs by about -110 dB relative to the exact kernel at 128 (-96 dB at 64), below what 16-bit
     * audio resolves; more rows only cost cache.
     */
    static final int PHASES = 128;

    private final double speed;
    /** Taps on each side of the output time, rounded up to a multiple of 4: a row holds {@code 2 * half}. */
    private final int half;
    /** For a ratio p/q: p, else 0 (interpolated). */
    private final long step;
    /** Rows per input sample: q for a ratio p/q, else {@link #PHASES} (plus one more row to interpolate to). */
    private final int rows;
    /** Row r weights the input when the output falls r / rows of a sample past an input sample. */
    private final float[] table;

    /** @param speed input samples per output sample: 1.1 plays 10% faster (fewer output samples) */
    SincResampler(double speed) {
        this(speed, true);
    }

    /** @param exact use exact positions when the ratio is a small fraction (false: always interpolate) */
    SincResampler(double speed, boolean exact) {
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("speed must be positive, got " + speed);
        }
        this.speed = speed;
        // Frequencies in cycles per input sample: when speeding up, the output's Nyquist frequency is the lower.
        double nyquist = 0.5 * Math.min(1.0, 1.0 / speed);
        double cutoff = 0.5 * (PASSBAND + STOPBAND) * nyquist;          // -6 dB point, mid-transition
        double transition = 2 * Math.PI * (STOPBAND - PASSBAND) * nyquist; // radians per input sample
        double beta = 0.1102 * (ATTENUATION_DB - 8.7);                     // Kaiser's formula for A > 50 dB
        double reach = 0.5 * (ATTENUATION_DB - 7.95) / (2.285 * transition); // half the filter order, samples
        this.half = 4 * (int) Math.ceil(reach / 4); // whole groups of eight taps for the unrolled dot product
        int denominator = exact ? denominator(speed) : 0;
        this.step = denominator > 0 ? Math.round(speed * denominator) : 0;
        this.rows = denominator > 0 ? denominator : PHASES;
        int taps = 2 * half;
        int stored = denominator > 0 ? rows : rows + 1;
        this.table = new float[stored * taps];
        double norm = besselI0(beta);
        for (int r = 0; r < stored; r++) {
            double fraction = r / (double) rows;
            for (int j = 0; j < taps; j++) {
                double d = fraction + half - 1 - j; // output time minus the tap's input time
                double u = d / reach;
                if (Math.abs(u) >= 1) {
                    continue;
                }
                double z = 2 * cutoff * d;
                double sinc = Math.abs(z) < 1e-12 ? 1 : Math.sin(Math.PI * z) / (Math.PI * z);
                table[r * taps + j] = (float) (2 * cutoff * sinc * besselI0(beta * Math.sqrt(1 - u * u)) / norm);
            }
        }
    }

    /** The smallest q <= PHASES with speed = p/q for a whole p (to double precision), or 0. */
    static int denominator(double speed) {
        for (int q = 1; q <= PHASES; q++) {
            double p = speed * q;
            if (Math.abs(p - Math.rint(p)) <= 1e-12 * p) { // decimal factors land within an ulp or two
                return q;
            }
        }
        return 0;
    }

    /** Whether outputs fall on tabulated positions (a ratio p/q), so nothing is interpolated. */
    boolean exact() {
        return step > 0;
    }

    /** {@code length} samples of {@code in} played {@code speed} times faster; silence outside the input. */
    float[] resample(float[] in, int length) {
        int taps = 2 * half;
        // Zeros around the input spare the inner loops any bounds logic: the last output of round(length /
        // speed) reads at most the input's last sample + half.
        float[] x = new float[in.length + taps + 4];
        System.arraycopy(in, 0, x, half, in.length);
        int limit = x.length - taps;
        float[] out = new float[length];
        for (int n = 0; n < length; n++) {
            int k;
            int row;
            float a = 0;
            if (step > 0) {
                long position = n * step; // in 1/rows of an input sample
                k = (int) (position / rows);
                row = (int) (position % rows);
            } else {
                double t = n * speed;
                k = (int) t;
                double q = (t - k) * rows;
                row = (int) q;
                a = (float) (q - row);
            }
            int first = k + 1; // x index of input sample k - half + 1
            if (first > limit) {
                break; // only for lengths beyond round(in.length / speed): those samples stay silent
            }
            out[n] = step > 0 ? dot(x, first, row * taps, taps) : interpolated(x, first, row * taps, taps, a);
        }
        return out;
    }

    /** One row against the input; eight independent sums, because one would wait on each addition. */
    private float dot(float[] x, int first, int row, int taps) {
        float[] c = table;
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float s4 = 0;
        float s5 = 0;
        float s6 = 0;
        float s7 = 0;
        for (int j = 0; j < taps; j += 8) {
            s0 += x[first + j] * c[row + j];
            s1 += x[first + j + 1] * c[row + j + 1];
            s2 += x[first + j + 2] * c[row + j + 2];
            s3 += x[first + j + 3] * c[row + j + 3];
            s4 += x[first + j + 4] * c[row + j + 4];
            s5 += x[first + j + 5] * c[row + j + 5];
            s6 += x[first + j + 6] * c[row + j + 6];
            s7 += x[first + j + 7] * c[row + j + 7];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** The row below and the row above the output's position, weighted linearly by {@code a}. */
    private float interpolated(float[] x, int first, int below, int taps, float a) {
        float[] c = table;
        int above = below + taps;
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        for (int j = 0; j < taps; j += 2) {
            float v0 = x[first + j];
            float v1 = x[first + j + 1];
            s0 += v0 * c[below + j];
            s1 += v1 * c[below + j + 1];
            s2 += v0 * c[above + j];
            s3 += v1 * c[above + j + 1];
        }
        float lower = s0 + s1;
        float upper = s2 + s3;
        return lower + a * (upper - lower);
    }
    /** Modified Bessel function of the first kind, order 0, by its power series. */
    static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double q = x * x / 4;
        for (int k = 1; k < 500 && term > 1e-17 * sum; k++) {
            term *= q / ((double) k * k);
            sum += term;
        }
        return sum;
    }
}
