package dev.pretext.probes.support;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class EditDistanceTest {
    private static List<String> seq(String spaced) {
        return spaced.isEmpty() ? List.of() : Arrays.asList(spaced.split(" "));
    }

    @Test
    void countsSubstitutionsInsertionsAndDeletions() {
        assertEquals(0, EditDistance.between(seq("a b c"), seq("a b c")));
        assertEquals(1, EditDistance.between(seq("a c"), seq("a b c")), "one deletion");
        assertEquals(1, EditDistance.between(seq("a x b c"), seq("a b c")), "one insertion");
        assertEquals(1, EditDistance.between(seq("a x c"), seq("a b c")), "one substitution");
        assertEquals(2, EditDistance.between(seq(""), seq("a b")));
        assertEquals(2, EditDistance.between(seq("a b"), seq("")));
        assertEquals(3, EditDistance.between(seq("k i t t e n"), seq("s i t t i n g")));
        assertEquals(2, EditDistance.between(seq("b a"), seq("a b")), "a swap costs two");
        assertEquals(3, EditDistance.between(List.of('k', 'i', 't', 't', 'e', 'n'),
                List.of('s', 'i', 't', 't', 'i', 'n', 'g')), "characters work the same way");
    }

    @Test
    void greedyCtcDecodingCollapsesRunsAndDropsBlanks() {
        int blank = 0;
        assertArrayEquals(new int[] {1, 2}, Ctc.greedyDecode(new long[] {0, 1, 1, 0, 0, 2, 2, 0}, blank));
        assertArrayEquals(new int[] {1, 1}, Ctc.greedyDecode(new long[] {1, 1, 0, 1}, blank),
                "a blank between two equal labels keeps both");
        assertArrayEquals(new int[] {1}, Ctc.greedyDecode(new long[] {1, 1, 1}, blank), "a run is one label");
        assertArrayEquals(new int[] {3, 1, 3}, Ctc.greedyDecode(new long[] {3, 1, 3}, blank));
        assertArrayEquals(new int[0], Ctc.greedyDecode(new long[] {0, 0}, blank));
        assertArrayEquals(new int[0], Ctc.greedyDecode(new long[0], blank));
        assertArrayEquals(new int[] {0, 1}, Ctc.greedyDecode(new long[] {0, 2, 2, 1}, 2), "any class can be the blank");
    }
}
