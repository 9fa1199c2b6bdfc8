package dev.pretext.objectives.apc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pretext.core.recipe.ConfigBinder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApcConfigTest {
    /** The core's own mapper: what a recipe really goes through. */
    private static final ObjectMapper MAPPER = ConfigBinder.MAPPER;

    @Test
    void defaultsAreFilledAndVisible() throws Exception {
        ApcConfig c = MAPPER.readValue("{}", ApcConfig.class);
        assertEquals(3, c.shift());
        assertEquals("l1", c.loss());
        JsonNode written = MAPPER.valueToTree(c);
        assertEquals(3, written.get("shift").asInt());
        assertEquals("l1", written.get("loss").asText());
        assertEquals(c, MAPPER.treeToValue(written, ApcConfig.class));
    }

    @Test
    void bindsKeysAndRejectsUnknownOnes() throws Exception {
        assertEquals(new ApcConfig(5, "l2"), MAPPER.readValue("{\"shift\": 5, \"loss\": \"L2\"}", ApcConfig.class));
        assertThrows(Exception.class, () -> MAPPER.readValue("{\"steps_ahead\": 3}", ApcConfig.class));
    }

    @Test
    void rejectsBadValuesNamingTheKey() {
        assertMessage("shift must be at least 1 frame", () -> new ApcConfig(0, null));
        assertMessage("loss must be l1 or l2, got 'mse'", () -> new ApcConfig(null, "mse"));
    }

    private static void assertMessage(String start, org.junit.jupiter.api.function.Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
