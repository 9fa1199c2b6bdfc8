package dev.pretext.core.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LrScheduleTest {
    @Test
    void warmsUpLinearlyThenDecays() {
        LrSchedule s = new LrSchedule(1e-3, 0.1, "linear", 100);
        assertEquals(1e-4, s.at(0), 1e-12);
        assertEquals(1e-3, s.at(9), 1e-12);
        assertTrue(s.at(50) < s.at(20));
        assertEquals(1e-5, s.at(100), 1e-9, "ends at the floor");
        assertEquals(s.at(100), s.at(500), "past the plan it stays at the floor");
        LrSchedule cosine = new LrSchedule(1e-3, 0.0, "cosine", 100);
        assertEquals(1e-3 * (0.01 + 0.99 * 0.5), cosine.at(50), 1e-9);
        assertEquals(1e-3, new LrSchedule(1e-3, 0.1, "constant", 100).at(90), 0);
    }
}
