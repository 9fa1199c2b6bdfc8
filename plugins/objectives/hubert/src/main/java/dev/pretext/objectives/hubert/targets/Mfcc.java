package dev.pretext.objectives.hubert.targets;

import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.dsp.Fft;

/**
 * The 39-dimensional MFCC features of HuBERT's first iteration: 13 cepstra as {@code torchaudio.compliance.kaldi.mfcc}
 * computes them with its defaults and {@code use_energy=False}, followed by their deltas and delta-deltas
 * ({@code torchaudio.functional.compute_deltas}, window 5, edges replicated), at 100 frames per second.
 *
 * <p>Per 25 ms frame every 10 ms (only frames that fit entirely, Kaldi's snip_edges): DC removal, pre-emphasis
 * 0.97, povey window, 512-point power spectrum, 23 triangular mel filters from 20 Hz to Nyquist, natural log
 * floored at the float epsilon, orthonormal DCT-II keeping 13 coefficients (Kaldi's first row scaled by
 * sqrt(1/23)), sinusoidal lifter with Q = 22. The samples are taken as floats in [-1, 1], as fairseq reads them
 * (Kaldi's own tools would see them times 32768; only the log floor in silence tells the difference).
 *
 * <p>Thread-safe: the tables are immutable and every call allocates its own scratch.
 */
public final class Mfcc {
    public static final int CEPSTRA = 13;
    public static final int DIM = 3 * CEPSTRA;
    public static final int MEL_BINS = 23;
    public static final int WINDOW = 400;
    public static final int SHIFT = 160;
    public static final double FRAME_RATE = (double) Waveform.RATE / SHIFT;
    private static final int FFT = 512;
    private static final double PREEMPHASIS = 0.97;
    private static final double LOW_HZ = 20;
    private static final double LIFTER = 22;
    private static final double LOG_FLOOR = Math.ulp(1.0f);
    /** compute_deltas' window of 5: frames t-2 .. t+2, divided by 2 * (1 + 4). */
    private static final int DELTA_REACH = 2;
    private static final double DELTA_NORM = 10;

    private final double[] window = new double[WINDOW];
    private final int[] melFirst = new int[MEL_BINS];
    private final double[][] melWeights = new double[MEL_BINS][];
    /** dct[k][m]: cepstrum k from log-mel band m, lifter included. */
    private final double[][] dct = new double[CEPSTRA][MEL_BINS];
    private final Fft fft = new Fft(FFT);

    public Mfcc() {
        for (int i = 0; i < WINDOW; i++) {
            window[i] = Math.pow(0.5 - 0.5 * Math.cos(2 * Math.PI * i / (WINDOW - 1)), 0.85);
        }
        double melLow = mel(LOW_HZ);
        double melStep = (mel(Waveform.RATE / 2.0) - melLow) / (MEL_BINS + 1);
        double binHz = (double) Waveform.RATE / FFT;
        for (int b = 0; b < MEL_BINS; b++) {
            double left = melLow + b * melStep;
            double centre = left + melStep;
            double right = centre + melStep;
            double[] dense = new double[FFT / 2];
            int lo = -1;
            int hi = -1;
            // Kaldi evaluates the triangles at bins 0 .. n/2 - 1: the Nyquist bin has no weight.
            for (int k = 0; k < FFT / 2; k++) {
                double m = mel(binHz * k);
                double w = Math.max(0, Math.min((m - left) / (centre - left), (right - m) / (right - centre)));
                dense[k] = w;
                if (w > 0) {
                    lo = lo < 0 ? k : lo;
                    hi = k;
                }
            }
            melFirst[b] = lo;
            melWeights[b] = java.util.Arrays.copyOfRange(dense, lo, hi + 1);
        }
        for (int k = 0; k < CEPSTRA; k++) {
            double lift = 1 + 0.5 * LIFTER * Math.sin(Math.PI * k / LIFTER);
            for (int m = 0; m < MEL_BINS; m++) {
                double basis = k == 0 ? Math.sqrt(1.0 / MEL_BINS)
                        : Math.sqrt(2.0 / MEL_BINS) * Math.cos(Math.PI / MEL_BINS * (m + 0.5) * k);
                dct[k][m] = basis * lift;
            }
        }
    }

    static double mel(double hz) {
        return 1127.0 * Math.log(1.0 + hz / 700.0);
    }

    /** Frames of a clip of {@code samples} samples: those whose 25 ms window fits entirely. */
    public static int frameCount(int samples) {
        return samples < WINDOW ? 0 : 1 + (samples - WINDOW) / SHIFT;
    }

    /** Where frame {@code t}'s window is centred, in seconds from the start of the clip. */
    public static double frameCentreSeconds(int t) {
        return (t * SHIFT + WINDOW / 2.0) / Waveform.RATE;
    }

    /** MFCC, deltas and delta-deltas of 16 kHz audio: {@link #frameCount} frames of {@link #DIM} values. */
    public Features compute(Waveform waveform) {
        if (waveform.sampleRate() != Waveform.RATE) {
            throw new IllegalArgumentException("MFCC targets need audio at " + Waveform.RATE + " Hz, got "
                    + waveform.sampleRate() + " Hz");
        }
        float[] x = waveform.samples();
        int frames = frameCount(x.length);
        double[][] ceps = new double[frames][CEPSTRA];
        double[] re = new double[FFT];
        double[] im = new double[FFT];
        double[] logMel = new double[MEL_BINS];
        for (int t = 0; t < frames; t++) {
            int offset = t * SHIFT;
            double mean = 0;
            for (int i = 0; i < WINDOW; i++) {
                mean += x[offset + i];
            }
            mean /= WINDOW;
            // pre-emphasis reads the DC-free previous sample; the first sample uses itself
            double previous = x[offset] - mean;
            for (int i = 0; i < WINDOW; i++) {
                double v = x[offset + i] - mean;
                re[i] = (v - PREEMPHASIS * previous) * window[i];
                previous = v;
            }
            java.util.Arrays.fill(re, WINDOW, FFT, 0);
            java.util.Arrays.fill(im, 0);
            fft.forward(re, im);
            for (int b = 0; b < MEL_BINS; b++) {
                double[] w = melWeights[b];
                int first = melFirst[b];
                double energy = 0;
                for (int k = 0; k < w.length; k++) {
                    int bin = first + k;
                    energy += w[k] * (re[bin] * re[bin] + im[bin] * im[bin]);
                }
                logMel[b] = Math.log(Math.max(energy, LOG_FLOOR));
            }
            for (int k = 0; k < CEPSTRA; k++) {
                double sum = 0;
                for (int m = 0; m < MEL_BINS; m++) {
                    sum += dct[k][m] * logMel[m];
                }
                ceps[t][k] = sum;
            }
        }
        double[][] deltas = deltas(ceps);
        double[][] deltaDeltas = deltas(deltas);
        float[] out = new float[frames * DIM];
        for (int t = 0; t < frames; t++) {
            for (int k = 0; k < CEPSTRA; k++) {
                out[t * DIM + k] = (float) ceps[t][k];
                out[t * DIM + CEPSTRA + k] = (float) deltas[t][k];
                out[t * DIM + 2 * CEPSTRA + k] = (float) deltaDeltas[t][k];
            }
        }
        return new Features(out, frames, DIM);
    }

    /** Regression deltas over t-2 .. t+2, frames beyond the ends replaced by the end frames. */
    static double[][] deltas(double[][] c) {
        int frames = c.length;
        double[][] d = new double[frames][];
        for (int t = 0; t < frames; t++) {
            int dim = c[t].length;
            d[t] = new double[dim];
            for (int n = 1; n <= DELTA_REACH; n++) {
                double[] ahead = c[Math.min(frames - 1, t + n)];
                double[] behind = c[Math.max(0, t - n)];
                for (int k = 0; k < dim; k++) {
                    d[t][k] += n * (ahead[k] - behind[k]);
                }
            }
            for (int k = 0; k < dim; k++) {
                d[t][k] /= DELTA_NORM;
            }
        }
        return d;
    }
}
