package dev.pretext.probes.phonemes;

import dev.pretext.api.data.PhoneSegment;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PhoneSequencesTest {
    private static List<String> seq(String spaced) {
        return spaced.isEmpty() ? List.of() : Arrays.asList(spaced.split(" "));
    }

    @Test
    void editDistanceCountsSubstitutionsInsertionsAndDeletions() {
        assertEquals(0, PhoneSequences.editDistance(seq("a b c"), seq("a b c")));
        assertEquals(1, PhoneSequences.editDistance(seq("a c"), seq("a b c")), "one deletion");
        assertEquals(1, PhoneSequences.editDistance(seq("a x b c"), seq("a b c")), "one insertion");
        assertEquals(1, PhoneSequences.editDistance(seq("a x c"), seq("a b c")), "one substitution");
        assertEquals(2, PhoneSequences.editDistance(seq(""), seq("a b")));
        assertEquals(2, PhoneSequences.editDistance(seq("a b"), seq("")));
        assertEquals(3, PhoneSequences.editDistance(seq("k i t t e n"), seq("s i t t i n g")));
        assertEquals(2, PhoneSequences.editDistance(seq("b a"), seq("a b")), "a swap costs two");
    }

    @Test
    void smoothingRemovesBlipsShorterThanHalfTheWindowAndKeepsRealPhones() {
        assertEquals(seq("a a a a a b b b b b"), PhoneSequences.smooth(seq("a a x a a b b b y b"), 5));
        assertEquals(seq("a a b b"), PhoneSequences.smooth(seq("a a b b"), 1), "width 1 changes nothing");
        // A three-frame phone survives a five-frame vote.
        assertEquals(seq("a b a"), PhoneSequences.collapse(PhoneSequences.smooth(seq("a a a a b b b a a a a"), 5)));
    }

    @Test
    void collapseMergesRunsThenDropsSilence() {
        assertEquals(seq("a b a"), PhoneSequences.collapse(seq("sil a a b b sil a sil")));
        assertEquals(seq("a a"), PhoneSequences.collapse(seq("a a sil a")), "silence separates two a's");
        assertEquals(seq(""), PhoneSequences.collapse(seq("sil sil")));
    }

    @Test
    void referenceDropsSilenceOnly() {
        List<PhoneSegment> alignment = List.of(new PhoneSegment("sil", 0, 0.1), new PhoneSegment("a", 0.1, 0.2),
                new PhoneSegment("a", 0.2, 0.3), new PhoneSegment("sil", 0.3, 0.4), new PhoneSegment("b", 0.4, 0.5));
        assertEquals(seq("a a b"), PhoneSequences.reference(alignment));
    }

    @Test
    void perOfAHandExample() {
        // reference "h e l o" (silence dropped); frames predict "sil h h e e l l l o o x sil": one insertion (x).
        List<PhoneSegment> alignment = List.of(new PhoneSegment("sil", 0, 0.1), new PhoneSegment("h", 0.1, 0.2),
                new PhoneSegment("e", 0.2, 0.3), new PhoneSegment("l", 0.3, 0.4), new PhoneSegment("o", 0.4, 0.5));
        List<String> hypothesis = PhoneSequences.collapse(seq("sil h h e e l l l o o x sil"));
        List<String> reference = PhoneSequences.reference(alignment);
        assertEquals(0.25, PhoneSequences.editDistance(hypothesis, reference) / (double) reference.size());
    }

    @Test
    void framesTakeThePhoneAtTheirCentre() {
        List<PhoneSegment> alignment = List.of(new PhoneSegment("sil", 0, 0.05), new PhoneSegment("a", 0.05, 0.12),
                new PhoneSegment("b", 0.12, 0.2));
        String[] labels = PhoneSequences.framePhones(alignment, 23, 100);
        String[] expected = new String[23];
        Arrays.fill(expected, 0, 5, "sil");   // centres 0.005 .. 0.045
        Arrays.fill(expected, 5, 12, "a");    // 0.055 .. 0.115
        Arrays.fill(expected, 12, 20, "b");   // 0.125 .. 0.195; frames 20.. lie beyond the alignment
        assertArrayEquals(expected, labels);

        // At 50 Hz (20 ms frames, centres 0.01, 0.03, ...) a 10 ms phone can fall between two centres.
        String[] coarse = PhoneSequences.framePhones(List.of(new PhoneSegment("a", 0, 0.04),
                new PhoneSegment("b", 0.04, 0.05), new PhoneSegment("c", 0.05, 0.08)), 5, 50);
        assertArrayEquals(new String[] {"a", "a", "c", "c", null}, coarse);
    }
}
