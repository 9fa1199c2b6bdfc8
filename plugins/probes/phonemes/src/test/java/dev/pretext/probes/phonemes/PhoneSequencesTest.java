package dev.pretext.probes.phonemes;

import dev.pretext.api.data.PhoneSegment;
import dev.pretext.probes.support.Ctc;
import dev.pretext.probes.support.EditDistance;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PhoneSequencesTest {
    private static List<String> seq(String spaced) {
        return spaced.isEmpty() ? List.of() : Arrays.asList(spaced.split(" "));
    }

    @Test
    void referenceDropsSilenceOnly() {
        List<PhoneSegment> alignment = List.of(new PhoneSegment("sil", 0, 0.1), new PhoneSegment("a", 0.1, 0.2),
                new PhoneSegment("a", 0.2, 0.3), new PhoneSegment("sil", 0.3, 0.4), new PhoneSegment("b", 0.4, 0.5));
        assertEquals(seq("a a b"), PhoneSequences.reference(alignment));
        assertEquals(seq(""), PhoneSequences.reference(List.of(new PhoneSegment("sil", 0, 1))));
    }

    @Test
    void perOfAHandExample() {
        // reference "h e l o"; classes 0 = blank, 1 = h, 2 = e, 3 = l, 4 = o, 5 = x.
        // Frames "_ h h _ e l l _ l o x _" decode to "h e l l o x": one insertion (the doubled l) and one (x).
        String[] names = {"<blank>", "h", "e", "l", "o", "x"};
        long[] frames = {0, 1, 1, 0, 2, 3, 3, 0, 3, 4, 5, 0};
        List<String> hypothesis = new ArrayList<>();
        for (int id : Ctc.greedyDecode(frames, 0)) {
            hypothesis.add(names[id]);
        }
        List<String> reference = PhoneSequences.reference(List.of(new PhoneSegment("sil", 0, 0.1),
                new PhoneSegment("h", 0.1, 0.2), new PhoneSegment("e", 0.2, 0.3), new PhoneSegment("l", 0.3, 0.4),
                new PhoneSegment("o", 0.4, 0.5), new PhoneSegment("sil", 0.5, 0.6)));
        assertEquals(seq("h e l l o x"), hypothesis);
        assertEquals(0.5, EditDistance.between(hypothesis, reference) / (double) reference.size());
    }
}
