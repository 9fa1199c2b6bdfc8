package dev.pretext.datasets.tts;

import dev.pretext.api.data.PhoneSegment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Turns an engine's phone end times into the contiguous segments every utterance carries. */
final class Alignment {
    /** How far an engine's last phone end may be from the rendered length before we call the alignment broken. */
    static final double MAX_GAP_SECONDS = 0.02;

    private Alignment() {
    }

    /**
     * Contiguous segments from 0 to {@code totalSeconds}, adjacent silences merged into one. Ends
     * that go backwards are clamped; the last end is snapped to the audio's end, and a gap larger than
     * {@link #MAX_GAP_SECONDS} is a bug in the engine or its parsing, worth failing on.
     *
     * @param labels phones already in the common set
     * @param ends   end time of each phone in seconds
     * @param what   names the engine, voice and text in the failure message
     */
    static List<PhoneSegment> contiguous(List<String> labels, List<Double> ends, double totalSeconds, String what) {
        if (labels.size() != ends.size() || labels.isEmpty()) {
            throw new IllegalStateException(what + ": " + labels.size() + " phones and " + ends.size() + " end times");
        }
        List<String> merged = new ArrayList<>();
        List<Double> mergedEnds = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            // Only silences merge: "old dog" has two d's, and a CTC target must keep both.
            if (!merged.isEmpty() && labels.get(i).equals(PhoneSet.SILENCE)
                    && merged.get(merged.size() - 1).equals(PhoneSet.SILENCE)) {
                mergedEnds.set(mergedEnds.size() - 1, ends.get(i));
            } else {
                merged.add(labels.get(i));
                mergedEnds.add(ends.get(i));
            }
        }
        double lastEnd = mergedEnds.get(mergedEnds.size() - 1);
        if (Math.abs(lastEnd - totalSeconds) > MAX_GAP_SECONDS) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "%s: the phones end at %.4f s but the audio lasts %.4f s", what, lastEnd, totalSeconds));
        }
        mergedEnds.set(mergedEnds.size() - 1, totalSeconds);
        List<PhoneSegment> segments = new ArrayList<>(merged.size());
        double start = 0;
        for (int i = 0; i < merged.size(); i++) {
            double end = Math.min(Math.max(mergedEnds.get(i), start), totalSeconds);
            segments.add(new PhoneSegment(merged.get(i), start, end));
            start = end;
        }
        return segments;
    }
}
