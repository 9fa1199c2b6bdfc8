package dev.pretext.probes.phoneframes;

import dev.pretext.api.data.PhoneSegment;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class FrameLabelsTest {
    @Test
    void eachFrameTakesThePhoneAtItsCentreSilenceAndTheEndAreNone() {
        // At 100 Hz: frame t's centre is (t + 0.5) / 100.
        List<PhoneSegment> phones = List.of(new PhoneSegment("sil", 0.0, 0.02), new PhoneSegment("a", 0.02, 0.045),
                new PhoneSegment("b", 0.045, 0.06), new PhoneSegment("z", 0.06, 0.07));
        int[] labels = FrameLabels.of(phones, 9, 100, Map.of("a", 0, "b", 1));
        int n = FrameLabels.NONE;
        int u = FrameLabels.UNSEEN;
        // centres 5, 15 ms: silence; 25, 35 ms: a; 45 ms: b (a ends at 45); 55 ms: b; 65 ms: z, unseen;
        // 75 and 85 ms: past the alignment.
        assertArrayEquals(new int[]{n, n, 0, 0, 1, 1, u, n, n}, labels);
    }

    @Test
    void aGapInTheAlignmentIsNone() {
        List<PhoneSegment> phones = List.of(new PhoneSegment("a", 0.0, 0.01), new PhoneSegment("a", 0.03, 0.04));
        assertArrayEquals(new int[]{0, FrameLabels.NONE, FrameLabels.NONE, 0},
                FrameLabels.of(phones, 4, 100, Map.of("a", 0)));
    }

    @Test
    void framesOfTwentyMillisecondsReadTheSameTimes() {
        List<PhoneSegment> phones = List.of(new PhoneSegment("a", 0.0, 0.03), new PhoneSegment("b", 0.03, 0.08));
        assertArrayEquals(new int[]{0, 1, 1, 1}, FrameLabels.of(phones, 4, 50, Map.of("a", 0, "b", 1)));
    }
}
