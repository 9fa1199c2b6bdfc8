package dev.pretext.datasets.tts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A plain autocorrelation pitch tracker for tests: F0 of clearly voiced, loud frames. */
final class Pitch {
    private static final int RATE = 16_000;
    private static final int FRAME = 640; // 40 ms: at least two periods of 60 Hz
    private static final int HOP = 160;
    private static final double MIN_HZ = 60;
    private static final double MAX_HZ = 400;

    private Pitch() {
    }

    /** F0 estimates (Hz) of frames at least a tenth as loud as the loudest and periodic (normalised r > 0.6). */
    static List<Double> voicedF0(float[] x) {
        double loudest = 0;
        for (int s = 0; s + FRAME <= x.length; s += HOP) {
            loudest = Math.max(loudest, rms(x, s));
        }
        int minLag = (int) Math.floor(RATE / MAX_HZ);
        int maxLag = (int) Math.ceil(RATE / MIN_HZ);
        List<Double> f0 = new ArrayList<>();
        double[] r = new double[maxLag + 2];
        for (int s = 0; s + FRAME + maxLag + 1 <= x.length; s += HOP) {
            if (rms(x, s) < 0.1 * loudest) {
                continue;
            }
            double mean = 0;
            for (int i = 0; i < FRAME + maxLag + 1; i++) {
                mean += x[s + i];
            }
            mean /= FRAME + maxLag + 1;
            // Normalised cross-correlation of the frame with its lagged copy (no taper bias towards short lags).
            for (int lag = 0; lag <= maxLag + 1; lag++) {
                double xy = 0;
                double xx = 0;
                double yy = 0;
                for (int i = 0; i < FRAME; i++) {
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
            f0.add(RATE / (best + shift));
        }
        return f0;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : 0.5 * (sorted.get(n / 2 - 1) + sorted.get(n / 2));
    }

    static double rms(float[] x, int start) {
        double s = 0;
        for (int i = start; i < start + FRAME; i++) {
            s += x[i] * (double) x[i];
        }
        return Math.sqrt(s / FRAME);
    }
}
