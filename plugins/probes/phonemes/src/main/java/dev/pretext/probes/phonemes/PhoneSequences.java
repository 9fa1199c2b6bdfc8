package dev.pretext.probes.phonemes;

import dev.pretext.api.data.PhoneSegment;

import java.util.ArrayList;
import java.util.List;

/** The phone sequence a recogniser should output for an alignment. */
final class PhoneSequences {
    /**
     * The silence label of the common phone set. It is not a recognition target (as in SUPERB's PR, whose
     * references carry no silence): the synthetic and most real alignments start and end every utterance with
     * silence, so two free, trivially detected tokens per utterance would lower the PER without saying anything
     * about phones; and silence boundaries are a segmentation choice, not phonetic content. The CTC blank absorbs
     * silent frames.
     */
    static final String SILENCE = "sil";

    private PhoneSequences() {
    }

    /** The alignment's phones in order, silence dropped. */
    static List<String> reference(List<PhoneSegment> phones) {
        List<String> out = new ArrayList<>(phones.size());
        for (PhoneSegment phone : phones) {
            if (!SILENCE.equals(phone.phone())) {
                out.add(phone.phone());
            }
        }
        return out;
    }
}
