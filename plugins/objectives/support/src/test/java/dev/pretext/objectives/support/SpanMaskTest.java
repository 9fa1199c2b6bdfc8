package dev.pretext.objectives.support;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpanMaskTest {
    private static final int[] LENGTHS = {120, 75, 0, 200, 3};
    private static final int FRAMES = 200;

    /**
     * The masks of seeds 1, 2, 3 as each objective drew them before the four copies became this class (checked
     * copy against copy on 3000 random batches, then fixed here): a change of any number below changes what a
     * recipe with a seed computes.
     */
    @Test
    void theSameSeedsGiveTheMasksTheObjectivesAlwaysDrew() {
        assertEquals(EXPECTED_AT_LEAST_ONE, fingerprints(SpanMask.Placement.OVERLAPPING_AT_LEAST_ONE, 0.65, 10));
        assertEquals(EXPECTED_OVERLAPPING, fingerprints(SpanMask.Placement.OVERLAPPING, 0.8, 10));
        assertEquals(EXPECTED_NON_OVERLAPPING, fingerprints(SpanMask.Placement.NON_OVERLAPPING, 0.15, 7));
    }

    /** Per seed: masked frames, hash of their positions, the generator's next long after the draw. */
    private static final String EXPECTED_AT_LEAST_ONE =
            "193:da5fc3e7:962b1967c90789ba 179:a8354060:9a7aa72430f9ca55 200:fd185bd1:b1f6240d0f588371";
    private static final String EXPECTED_OVERLAPPING =
            "221:c1bca688:bf8c59bb003553c1 214:a9f387de:2bdde9d861af7d1 214:72a5624b:7932913eeb76e02b";
    private static final String EXPECTED_NON_OVERLAPPING =
            "63:5f6bd04e:87b341d690d7a28a 49:b08a2907:701560ad31bb9977 63:4c9ee66b:5604229593349fc3";

    private static String fingerprints(SpanMask.Placement placement, double prob, int span) {
        StringBuilder out = new StringBuilder();
        for (long seed = 1; seed <= 3; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            SpanMask mask = SpanMask.draw(LENGTHS, FRAMES, prob, span, placement, rng);
            out.append(mask.count()).append(':').append(Integer.toHexString(Arrays.hashCode(mask.indices())))
                    .append(':').append(Long.toHexString(rng.nextLong())).append(' ');
        }
        return out.toString().trim();
    }

    @Test
    void paddingIsNeverMaskedAndTheIndicesListTheMask() {
        SplittableRandom rng = new SplittableRandom(4);
        for (SpanMask.Placement placement : SpanMask.Placement.values()) {
            for (int i = 0; i < 500; i++) {
                int[] lengths = {rng.nextInt(0, 61), rng.nextInt(0, 61), 60};
                SpanMask mask = SpanMask.draw(lengths, 60, 0.5, 1 + rng.nextInt(12), placement, rng);
                int at = 0;
                for (int b = 0; b < lengths.length; b++) {
                    assertEquals(at, mask.offsets()[b]);
                    for (int t = 0; t < 60; t++) {
                        if (mask.masked()[b * 60 + t] > 0) {
                            assertTrue(t < lengths[b], placement + ": padding masked");
                            assertEquals(b * 60 + t, mask.indices()[at++]);
                        }
                    }
                }
                assertEquals(mask.count(), at);
            }
        }
    }

    @Test
    void nonOverlappingSpansCoverTheRequestedShareAndOverlappingOnesLess() {
        int[] lengths = new int[200];
        Arrays.fill(lengths, 500);
        SpanMask apart = SpanMask.draw(lengths, 500, 0.3, 10, SpanMask.Placement.NON_OVERLAPPING,
                new SplittableRandom(1));
        assertEquals(0.3, apart.share(), 0.01);
        SpanMask overlapping = SpanMask.draw(lengths, 500, 0.3, 10, SpanMask.Placement.OVERLAPPING,
                new SplittableRandom(1));
        // overlaps leave about 1 - e^-0.3 = 0.26 of the frames masked
        assertEquals(1 - Math.exp(-0.3), overlapping.share(), 0.02);
    }

    @Test
    void startsAreSortedAndNonOverlappingSpansDoNotTouch() {
        SplittableRandom rng = new SplittableRandom(9);
        for (int i = 0; i < 1000; i++) {
            int n = 1 + rng.nextInt(300);
            int span = 1 + rng.nextInt(20);
            int[] starts = SpanMask.starts(n, span, 0.9, SpanMask.Placement.NON_OVERLAPPING, rng);
            int length = Math.min(span, n);
            for (int k = 1; k < starts.length; k++) {
                assertTrue(starts[k] >= starts[k - 1] + length, "spans overlap");
            }
            assertTrue(starts.length == 0 || starts[starts.length - 1] + length <= n);
        }
    }

    @Test
    void aShortRowGetsASpanOnlyWhereThePlacementPromisesOne() {
        int none = 0;
        for (long seed = 0; seed < 200; seed++) {
            int[] one = SpanMask.starts(4, 10, 0.05, SpanMask.Placement.OVERLAPPING_AT_LEAST_ONE,
                    new SplittableRandom(seed));
            assertArrayEquals(new int[]{0}, one);
            none += SpanMask.starts(4, 10, 0.05, SpanMask.Placement.OVERLAPPING, new SplittableRandom(seed)).length
                    == 0 ? 1 : 0;
        }
        assertTrue(none > 150, "a 4-frame row at prob 0.05 should mostly get no span, got " + none + " of 200");
    }

    @Test
    void aRowLongerThanTheBatchIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SpanMask.draw(new int[]{11}, 10, 0.5, 2,
                SpanMask.Placement.OVERLAPPING, new SplittableRandom(1)));
    }
}
