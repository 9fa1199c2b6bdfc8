package dev.pretext.objectives.data2vec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pretext.core.recipe.ConfigBinder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Data2vecConfigTest {
    /** The core's own mapper: what a recipe really goes through. */
    private static final ObjectMapper MAPPER = ConfigBinder.MAPPER;

    @Test
    void defaultsAreThePapersAndVisible() throws Exception {
        Data2vecConfig c = MAPPER.readValue("{}", Data2vecConfig.class);
        assertEquals(Data2vecConfig.defaults(), c);
        assertEquals(0.65, c.maskProb());
        assertEquals(200.0, c.spanMs());
        assertEquals(8, c.topK());
        assertEquals("l2", c.loss());
        assertEquals(List.of(0.999, 0.9999), c.emaDecay());
        JsonNode written = MAPPER.valueToTree(c);
        assertEquals(0.65, written.get("mask_prob").asDouble());
        assertEquals(200.0, written.get("span_ms").asDouble());
        assertEquals(8, written.get("top_k").asInt());
        assertEquals(0.075, written.get("ema_ramp").asDouble());
        assertEquals(c, MAPPER.treeToValue(written, Data2vecConfig.class));
    }

    @Test
    void bindsSnakeCaseKeysAndRejectsUnknownOnes() throws Exception {
        Data2vecConfig c = MAPPER.readValue("{\"mask_prob\": 0.5, \"span_ms\": 100, \"top_k\": 4, "
                + "\"loss\": \"smooth_l1\", \"beta\": 0.5, \"ema_decay\": [0.99, 0.999], \"ema_ramp\": 0.2}",
                Data2vecConfig.class);
        assertEquals(new Data2vecConfig(0.5, 100.0, 4, "smooth_l1", 0.5, List.of(0.99, 0.999), 0.2), c);
        assertThrows(Exception.class, () -> MAPPER.readValue("{\"top_layers\": 3}", Data2vecConfig.class));
    }

    @Test
    void rejectsOutOfRangeValuesNamingTheKey() {
        assertMessage("mask_prob must be in (0, 1]", () -> new Data2vecConfig(0.0, null, null, null, null, null, null));
        assertMessage("span_ms must be in (0, 10000]", () -> new Data2vecConfig(null, -1.0, null, null, null, null, null));
        assertMessage("top_k must be at least 1", () -> new Data2vecConfig(null, null, 0, null, null, null, null));
        assertMessage("loss must be one of [l2, smooth_l1], got 'l1'",
                () -> new Data2vecConfig(null, null, null, "l1", null, null, null));
        assertMessage("beta must be > 0", () -> new Data2vecConfig(null, null, null, null, 0.0, null, null));
        assertMessage("ema_decay must be two decays in [0, 1]",
                () -> new Data2vecConfig(null, null, null, null, null, List.of(0.999), null));
        assertMessage("ema_decay must be two decays in [0, 1]",
                () -> new Data2vecConfig(null, null, null, null, null, List.of(0.999, 1.5), null));
        assertMessage("ema_ramp must be in [0, 1]", () -> new Data2vecConfig(null, null, null, null, null, null, 2.0));
    }

    private static void assertMessage(String start, org.junit.jupiter.api.function.Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
