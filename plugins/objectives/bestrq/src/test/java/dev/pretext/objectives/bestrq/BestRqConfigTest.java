package dev.pretext.objectives.bestrq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pretext.core.recipe.ConfigBinder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BestRqConfigTest {
    /** The core's own mapper: what a recipe really goes through. */
    private static final ObjectMapper MAPPER = ConfigBinder.MAPPER;

    @Test
    void defaultsAreFilledAndVisible() throws Exception {
        BestRqConfig c = MAPPER.readValue("{}", BestRqConfig.class);
        assertEquals(new BestRqConfig(1024, 16, 4, 0.4, 5, 0.1), c);
        JsonNode written = MAPPER.valueToTree(c);
        assertEquals(1024, written.get("codebook_size").asInt());
        assertEquals(16, written.get("codebook_dim").asInt());
        assertEquals(4, written.get("stack").asInt());
        assertEquals(0.4, written.get("mask_prob").asDouble());
        assertEquals(5, written.get("span").asInt());
        assertEquals(0.1, written.get("noise_std").asDouble());
        assertEquals(c, MAPPER.treeToValue(written, BestRqConfig.class));
    }

    @Test
    void bindsSnakeCaseKeysAndRejectsUnknownOnes() throws Exception {
        assertEquals(new BestRqConfig(256, 8, 2, 0.3, 10, 0.0), MAPPER.readValue("{\"codebook_size\": 256, "
                + "\"codebook_dim\": 8, \"stack\": 2, \"mask_prob\": 0.3, \"span\": 10, \"noise_std\": 0.0}",
                BestRqConfig.class));
        assertThrows(Exception.class, () -> MAPPER.readValue("{\"codebooks\": 2}", BestRqConfig.class));
    }

    @Test
    void rejectsBadValuesNamingTheKey() {
        assertMessage("codebook_size must be at least 2", () -> new BestRqConfig(1, null, null, null, null, null));
        assertMessage("codebook_dim must be at least 1", () -> new BestRqConfig(null, 0, null, null, null, null));
        assertMessage("stack must be at least 1", () -> new BestRqConfig(null, null, 0, null, null, null));
        assertMessage("mask_prob must be in (0, 1]", () -> new BestRqConfig(null, null, null, 0.0, null, null));
        assertMessage("span must be at least 1", () -> new BestRqConfig(null, null, null, null, 0, null));
        assertMessage("noise_std must be a finite number >= 0", () -> new BestRqConfig(null, null, null, null, null,
                -1.0));
    }

    private static void assertMessage(String start, org.junit.jupiter.api.function.Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
