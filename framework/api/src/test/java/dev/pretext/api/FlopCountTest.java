package dev.pretext.api;

import dev.pretext.api.model.FlopCount;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FlopCountTest {
    @Test
    void mergesComponentsByName() {
        FlopCount a = FlopCount.of("encoder.ffn", 10).plus("head", 1);
        FlopCount b = FlopCount.of("encoder.ffn", 5);
        FlopCount sum = a.plus(b);
        assertEquals(15, sum.forward().get("encoder.ffn"));
        assertEquals(16, sum.total());
        assertEquals(15, sum.prefixed("teacher.").forward().get("teacher.encoder.ffn"));
    }
}
