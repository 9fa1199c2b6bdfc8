package dev.pretext.datasets.tts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A plain autocorrelation pitch tracker for tests: F0 of clearly voiced, loud frames. */
final class Pitch {
    private static final int RATE = 16_000;
    private static final double MIN_HZ = 60;
    private static final double MAX_HZ = 400;

    private Pitch() {
    }

    /** {@link #voicedF0(float[], int)} of 16 kHz audio. */
    static List<Double> voicedF0(float[] x) {
        return voicedF0(x, RATE);
    }

    /** {@link #voicedF0(float[], int)} of 16-bit samples. */
    static List<Double> voicedF0(short[] x, int rate) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = x[i] / 32768f;
        }
        return voicedF0(f, rate);
    }

    /**
     * F0 estimates (Hz) of 40 ms frames every 10 ms (at least two periods of 60 Hz) that are at least a tenth as
     * loud as the loudest and periodic (normalised r > 0.6).
     */
    static List<Double> voicedF0(float[] x, int rate) {
        int frame = (int) (0.04 * rate);
        int hop = (int) (0.01 * rate);
        double loudest = 0;
        for (int s = 0; s + frame <= x.length; s += hop) {
            loudest = Math.max(loudest, rms(x, s, frame));
        }
        int minLag = (int) Math.floor(rate / MAX_HZ);
        int maxLag = (int) Math.ceil(rate / MIN_HZ);
        List<Double> f0 = new ArrayList<>();
        double[] r = new double[maxLag + 2];
        for (int s = 0; s + frame + maxLag + 1 <= x.length; s += hop) {
            if (rms(x, s, frame) < 0.1 * loudest) {
                continue;
            }
            double mean = 0;
            for (int i = 0; i < frame + maxLag + 1; i++) {
                mean += x[s + i];
            }
            mean /= frame + maxLag + 1;
            // Normalised cross-correlation of the frame with its lagged copy (no taper bias towards short lags).
            for (int lag = 0; lag <= maxLag + 1; lag++) {
                double xy = 0;
                double xx = 0;
                double yy = 0;
                for (int i = 0; i < frame; i++) {
                    double a = x[s + i] - mean;
                    double b = x[s + i + lag] - mean;
                    xy += a * b;
                    xx += a * a;
                    yy += b * b;
                }
                r[lag] = xy / Math.sqrt(xx * yy + 1e-20);
            }
            int best = minLag;
            for (int lag = minLag; lag <= maxLag; lag++) {
                if (r[lag] > r[best]) {
                    best = lag;
                }
            }
            if (r[best] < 0.6) {
                continue;
            }
            // Multiples of the period correlate almost as well: take the first peak close to the best one.
            for (int lag = minLag; lag < best; lag++) {
                if (r[lag] >= 0.9 * r[best] && r[lag] >= r[lag - 1] && r[lag] >= r[lag + 1]) {
                    best = lag;
                    break;
                }
            }
            // Parabolic interpolation of the peak for sub-sample lag.
            double a = r[best - 1];
            double b = r[best];
            double c = r[best + 1];
            double shift = (a - 2 * b + c) == 0 ? 0 : 0.5 * (a - c) / (a - 2 * b + c);
            f0.add(rate / (best + shift));
        }
        return f0;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : 0.5 * (sorted.get(n / 2 - 1) + sorted.get(n / 2));
    }

    static double rms(float[] x, int start, int length) {
        double s = 0;
        for (int i = start; i < start + length; i++) {
            s += x[i] * (double) x[i];
        }
        return Math.sqrt(s / length);
    }
}
