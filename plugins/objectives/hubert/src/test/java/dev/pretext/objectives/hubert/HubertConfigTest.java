package dev.pretext.objectives.hubert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pretext.core.recipe.ConfigBinder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HubertConfigTest {
    /** The core's own mapper: what a recipe really goes through. */
    private static final ObjectMapper MAPPER = ConfigBinder.MAPPER;

    @Test
    void defaultsAreHubertsAndVisible() throws Exception {
        HubertConfig c = MAPPER.readValue("{\"targets\": \"t\"}", HubertConfig.class);
        assertEquals(HubertConfig.of("t"), c);
        assertEquals(0.8, c.maskProb());
        assertEquals(10, c.span());
        assertEquals(0.0, c.unmaskedWeight());
        assertEquals(256, c.finalDim());
        assertEquals(0.1, c.temperature());
        JsonNode written = MAPPER.valueToTree(c);
        assertEquals("t", written.get("targets").asText());
        assertEquals(0.8, written.get("mask_prob").asDouble());
        assertEquals(256, written.get("final_dim").asInt());
        assertEquals(0.0, written.get("unmasked_weight").asDouble());
        assertEquals(c, MAPPER.treeToValue(written, HubertConfig.class));
    }

    @Test
    void bindsSnakeCaseKeysAndRejectsUnknownOnes() throws Exception {
        HubertConfig c = MAPPER.readValue("{\"targets\": \"t\", \"clusters\": 100, \"mask_prob\": 0.65, \"span\": 5, "
                + "\"unmasked_weight\": 0.5, \"final_dim\": 128, \"temperature\": 0.2}", HubertConfig.class);
        assertEquals(new HubertConfig("t", 100, 0.65, 5, 0.5, 128, 0.2), c);
        assertThrows(Exception.class, () -> MAPPER.readValue("{\"targets\": \"t\", \"mask_length\": 3}",
                HubertConfig.class));
    }

    @Test
    void spanIsScaledToTheFrameRate() {
        HubertConfig c = HubertConfig.of("t");
        assertEquals(10, c.spanFrames(50));
        assertEquals(20, c.spanFrames(100));
        assertEquals(5, c.spanFrames(25));
        assertEquals(1, new HubertConfig("t", null, null, 1, null, null, null).spanFrames(25));
    }

    @Test
    void rejectsBadValuesNamingTheKey() {
        assertMessage("targets is required", () -> new HubertConfig(null, null, null, null, null, null, null));
        assertMessage("targets is required", () -> new HubertConfig(" ", null, null, null, null, null, null));
        assertMessage("clusters must be at least 2, got 1", () -> new HubertConfig("t", 1, null, null, null, null, null));
        assertMessage("mask_prob must be in (0, 1], got 0.0", () -> new HubertConfig("t", null, 0.0, null, null, null, null));
        assertMessage("span must be at least 1", () -> new HubertConfig("t", null, null, 0, null, null, null));
        assertMessage("unmasked_weight must be >= 0, got -1.0", () -> new HubertConfig("t", null, null, null, -1.0, null, null));
        assertMessage("final_dim must be in [1, 4096], got 0", () -> new HubertConfig("t", null, null, null, null, 0, null));
        assertMessage("temperature must be positive, got 0.0", () -> new HubertConfig("t", null, null, null, null, null, 0.0));
    }

    private static void assertMessage(String start, org.junit.jupiter.api.function.Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
