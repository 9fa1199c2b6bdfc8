package dev.pretext.testkit;

import dev.pretext.api.audio.Waveform;

/**
 * Log band energies of real test signals: 25 ms Hann frames every 10 ms, power spectrum by a direct DFT,
 * summed into equal-width bands, natural log. Enough real structure for an objective to learn; the fbank
 * frontend proper lives in its own plugin.
 */
public final class SpectralFeatures {
    private static final int WINDOW = 400;
    private static final int HOP = 160;
    private static final int SPECTRUM = WINDOW / 2 + 1;

    private SpectralFeatures() {
    }

    /** [frames x bands], row-major. */
    public static float[] logBands(Waveform wave, int bands, int frames) {
        float[] x = wave.samples();
        double[] hann = new double[WINDOW];
        for (int i = 0; i < WINDOW; i++) {
            hann[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / WINDOW);
        }
        double[] cos = new double[WINDOW];
        double[] sin = new double[WINDOW];
        for (int i = 0; i < WINDOW; i++) {
            cos[i] = Math.cos(2 * Math.PI * i / WINDOW);
            sin[i] = Math.sin(2 * Math.PI * i / WINDOW);
        }
        float[] out = new float[frames * bands];
        double[] frame = new double[WINDOW];
        for (int t = 0; t < frames; t++) {
            for (int i = 0; i < WINDOW; i++) {
                int at = t * HOP + i;
                frame[i] = at < x.length ? x[at] * hann[i] : 0;
            }
            double[] energy = new double[bands];
            for (int k = 0; k < SPECTRUM; k++) {
                double re = 0;
                double im = 0;
                for (int i = 0; i < WINDOW; i++) {
                    int phase = (k * i) % WINDOW;
                    re += frame[i] * cos[phase];
                    im -= frame[i] * sin[phase];
                }
                energy[Math.min(bands - 1, k * bands / SPECTRUM)] += re * re + im * im;
            }
            for (int b = 0; b < bands; b++) {
                out[t * bands + b] = (float) Math.log(energy[b] + 1e-6);
            }
        }
        return out;
    }

    /** Frames that fit entirely in the signal. */
    public static int frameCount(Waveform wave) {
        return wave.length() < WINDOW ? 0 : 1 + (wave.length() - WINDOW) / HOP;
    }
}
