package dev.pretext.testkit;

import dev.pretext.api.audio.Waveform;

import java.util.SplittableRandom;

/** Deterministic test signals at 16 kHz. For speech, use the tts dataset's synthesiser. */
public final class Signals {
    private Signals() {
    }

    /** A sine tone of the given frequency and peak amplitude. */
    public static Waveform tone(double hz, double seconds, double amplitude) {
        int n = (int) Math.round(seconds * Waveform.RATE);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / Waveform.RATE));
        }
        return new Waveform(x, Waveform.RATE);
    }

    /** A linear chirp from {@code fromHz} to {@code toHz}: exercises every frequency band. */
    public static Waveform chirp(double fromHz, double toHz, double seconds, double amplitude) {
        int n = (int) Math.round(seconds * Waveform.RATE);
        float[] x = new float[n];
        double k = (toHz - fromHz) / seconds;
        for (int i = 0; i < n; i++) {
            double t = i / (double) Waveform.RATE;
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * (fromHz * t + 0.5 * k * t * t)));
        }
        return new Waveform(x, Waveform.RATE);
    }

    /** Gaussian white noise with the given standard deviation. */
    public static Waveform noise(double seconds, double sigma, long seed) {
        int n = (int) Math.round(seconds * Waveform.RATE);
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double u1 = rng.nextDouble();
            double u2 = rng.nextDouble();
            x[i] = (float) (sigma * Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2));
        }
        return new Waveform(x, Waveform.RATE);
    }

    /** Root mean square of a signal. */
    public static double rms(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v * (double) v;
        }
        return Math.sqrt(s / Math.max(1, x.length));
    }
}
