package dev.pretext.datasets.tts;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Test measurements on 16-bit audio at any rate: loudness, quantiles, the vocabulary, F0 (by {@link Pitch}). */
final class EspeakSignals {
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

    /** F0 (Hz) of the clearly voiced, loud frames: {@link Pitch#voicedF0(short[], int)}. */
    static List<Double> voicedF0(short[] x, int rate) {
        return Pitch.voicedF0(x, rate);
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
