package dev.pretext.probes.phoneframes;

import dev.pretext.api.data.PhoneSegment;

import java.util.List;
import java.util.Map;

/** The phone of each frame of a representation, read from an alignment's times. */
final class FrameLabels {
    /**
     * The silence label of the common phone set. Silence frames are neither trained on nor scored: a third or more
     * of a synthetic utterance is leading and trailing silence, which any upstream detects, so counting it would
     * squeeze every accuracy towards one and hide the differences in phones.
     */
    static final String SILENCE = "sil";
    /** A frame that is silence, or outside the alignment. */
    static final int NONE = -1;
    /** A speech frame whose phone no training frame had: scored, always wrong. */
    static final int UNSEEN = -2;

    private FrameLabels() {
    }

    /**
     * Frame t covers [t / rate, (t + 1) / rate); it takes the phone of the segment holding its centre.
     *
     * @param classes phone to class id (0, 1, ...); a phone not in it is {@link #UNSEEN}
     */
    static int[] of(List<PhoneSegment> phones, int frames, double frameRateHz, Map<String, Integer> classes) {
        int[] labels = new int[frames];
        int segment = 0;
        for (int t = 0; t < frames; t++) {
            double centre = (t + 0.5) / frameRateHz;
            while (segment < phones.size() && phones.get(segment).end() <= centre) {
                segment++;
            }
            if (segment == phones.size() || phones.get(segment).start() > centre
                    || SILENCE.equals(phones.get(segment).phone())) {
                labels[t] = NONE;
            } else {
                labels[t] = classes.getOrDefault(phones.get(segment).phone(), UNSEEN);
            }
        }
        return labels;
    }
}
