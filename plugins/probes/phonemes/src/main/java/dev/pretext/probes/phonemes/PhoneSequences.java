package dev.pretext.probes.phonemes;

import dev.pretext.api.data.PhoneSegment;

import java.util.ArrayList;
import java.util.List;

/** Frame labels from an alignment, and the phone error rate between phone sequences. */
final class PhoneSequences {
    /** The silence label of the common phone set; it is a class for training but never counts in the PER. */
    static final String SILENCE = "sil";

    private PhoneSequences() {
    }

    /**
     * The phone of every frame: frame {@code t} is centred at {@code (t + 0.5) / frameRateHz} seconds and takes
     * the phone whose [start, end) contains that time (the later phone where segments overlap); null where no
     * phone does.
     */
    static String[] framePhones(List<PhoneSegment> phones, int frames, double frameRateHz) {
        String[] labels = new String[frames];
        for (PhoneSegment phone : phones) {
            // Start one frame early and let the exact comparison decide, so rounding cannot skip a frame.
            int t = Math.max(0, (int) Math.floor(phone.start() * frameRateHz - 0.5) - 1);
            for (; t < frames; t++) {
                double centre = (t + 0.5) / frameRateHz;
                if (centre >= phone.end()) {
                    break;
                }
                if (centre >= phone.start()) {
                    labels[t] = phone.phone();
                }
            }
        }
        return labels;
    }

    /** The alignment's phones in order, silence dropped: what a recogniser should output. */
    static List<String> reference(List<PhoneSegment> phones) {
        List<String> out = new ArrayList<>(phones.size());
        for (PhoneSegment phone : phones) {
            if (!SILENCE.equals(phone.phone())) {
                out.add(phone.phone());
            }
        }
        return out;
    }

    /**
     * A sliding majority vote over {@code width} frames (odd; 1 leaves the labels as they are). A frame
     * classifier's isolated wrong frames would each become two insertions after collapsing; a decoder of
     * frame posteriors removes such blips, and so does this, at a fraction of the cost. Ties keep the centre.
     */
    static List<String> smooth(List<String> labels, int width) {
        if (width <= 1 || labels.size() < 2) {
            return labels;
        }
        int half = width / 2;
        List<String> out = new ArrayList<>(labels.size());
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        for (int t = 0; t < labels.size(); t++) {
            counts.clear();
            int from = Math.max(0, t - half);
            int to = Math.min(labels.size() - 1, t + half);
            for (int k = from; k <= to; k++) {
                counts.merge(labels.get(k), 1, Integer::sum);
            }
            String centre = labels.get(t);
            String best = centre;
            int bestCount = counts.get(centre);
            for (var e : counts.entrySet()) {
                if (e.getValue() > bestCount) {
                    best = e.getKey();
                    bestCount = e.getValue();
                }
            }
            out.add(best);
        }
        return out;
    }

    /** Frame predictions to a phone sequence: runs of one phone become one phone, then silence is dropped. */
    static List<String> collapse(List<String> framePredictions) {
        List<String> out = new ArrayList<>();
        String previous = null;
        for (String phone : framePredictions) {
            if (!phone.equals(previous) && !SILENCE.equals(phone)) {
                out.add(phone);
            }
            previous = phone;
        }
        return out;
    }

    /** Levenshtein distance: the fewest substitutions, insertions and deletions turning one into the other. */
    static int editDistance(List<String> hypothesis, List<String> reference) {
        int[] previous = new int[reference.size() + 1];
        int[] current = new int[reference.size() + 1];
        for (int j = 0; j <= reference.size(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= hypothesis.size(); i++) {
            current[0] = i;
            String h = hypothesis.get(i - 1);
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
