package dev.pretext.datasets.tts;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Test measurements on 16-bit audio at any rate: loudness and an autocorrelation F0 tracker. */
final class EspeakSignals {
    private static final double MIN_HZ = 50;
    private static final double MAX_HZ = 400;

    private EspeakSignals() {
    }

    /** Root mean square of samples [from, to), in 16-bit units; 0 for an empty range. */
    static double rms(short[] x, int from, int to) {
        if (to <= from) {
            return 0;
        }
        double s = 0;
        for (int i = from; i < to; i++) {
            s += x[i] * (double) x[i];
        }
        return Math.sqrt(s / (to - from));
    }

    /**
     * F0 (Hz) of 40 ms frames every 10 ms that are at least a tenth as loud as the loudest and clearly periodic
     * (normalised correlation above 0.6 at the best lag), with the first lag nearly as good taken against octave
     * errors.
     */
    static List<Double> voicedF0(short[] x, int rate) {
        int frame = (int) (0.04 * rate);
        int hop = (int) (0.01 * rate);
        int minLag = (int) Math.floor(rate / MAX_HZ);
        int maxLag = (int) Math.ceil(rate / MIN_HZ);
        double loudest = 0;
        for (int s = 0; s + frame <= x.length; s += hop) {
            loudest = Math.max(loudest, rms(x, s, s + frame));
        }
        List<Double> f0 = new ArrayList<>();
        double[] r = new double[maxLag + 2];
        for (int s = 0; s + frame + maxLag + 1 <= x.length; s += hop) {
            if (rms(x, s, s + frame) < 0.1 * loudest) {
                continue;
            }
            for (int lag = minLag - 1; lag <= maxLag + 1; lag++) {
                double xy = 0;
                double xx = 0;
                double yy = 0;
                for (int i = 0; i < frame; i++) {
                    double a = x[s + i];
                    double b = x[s + i + lag];
                    xy += a * b;
                    xx += a * a;
                    yy += b * b;
                }
                r[lag] = xy / Math.sqrt(xx * yy + 1e-9);
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
            for (int lag = minLag; lag < best; lag++) {
                if (r[lag] >= 0.9 * r[best] && r[lag] >= r[lag - 1] && r[lag] >= r[lag + 1]) {
                    best = lag;
                    break;
                }
            }
            double a = r[best - 1];
            double b = r[best];
            double c = r[best + 1];
            double denominator = a - 2 * b + c;
            double shift = denominator == 0 ? 0 : 0.5 * (a - c) / denominator;
            f0.add(rate / (best + shift));
        }
        return f0;
    }

    static double quantile(List<Double> values, double q) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        double pos = q * (sorted.size() - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.size() - 1);
        return sorted.get(lo) + (pos - lo) * (sorted.get(hi) - sorted.get(lo));
    }

    /** Every word {@link Texts} can say: its keywords and all its word lists (read from its fields). */
    static Set<String> vocabulary() {
        Set<String> words = new LinkedHashSet<>(List.of("please", "an"));
        for (Field f : Texts.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            try {
                f.setAccessible(true);
                Object value = f.get(null);
                if (value instanceof String[] array) {
                    words.addAll(List.of(array));
                } else if (value instanceof List<?> list) {
                    list.forEach(w -> words.add((String) w));
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return words;
    }
}
