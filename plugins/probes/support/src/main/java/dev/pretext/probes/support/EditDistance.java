package dev.pretext.probes.support;

import java.util.List;

/** Levenshtein distance, the numerator of phone, character and word error rates. */
public final class EditDistance {
    private EditDistance() {
    }

    /** The fewest substitutions, insertions and deletions turning {@code hypothesis} into {@code reference}. */
    public static <T> int between(List<T> hypothesis, List<T> reference) {
        int[] previous = new int[reference.size() + 1];
        int[] current = new int[reference.size() + 1];
        for (int j = 0; j <= reference.size(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= hypothesis.size(); i++) {
            current[0] = i;
            T h = hypothesis.get(i - 1);
            for (int j = 1; j <= reference.size(); j++) {
                int substitution = previous[j - 1] + (h.equals(reference.get(j - 1)) ? 0 : 1);
                int deletion = previous[j] + 1;
                int insertion = current[j - 1] + 1;
                current[j] = Math.min(substitution, Math.min(deletion, insertion));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[reference.size()];
    }
}
