package dev.pretext.objectives.mam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pretext.core.recipe.ConfigBinder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MamConfigTest {
    /** Bound the way the core binds plugin configs. */
    /** The core's own mapper: what a recipe really goes through. */
    private static final ObjectMapper MAPPER = ConfigBinder.MAPPER;

    @Test
    void defaultsAreFilledAndVisible() throws Exception {
        MamConfig c = MAPPER.readValue("{}", MamConfig.class);
        assertEquals(0.15, c.maskProb());
        assertEquals(7, c.span());
        assertEquals(1.0, c.freqMaskProb());
        assertEquals(0.2, c.freqMaskWidth());
        JsonNode written = MAPPER.valueToTree(c);
        assertEquals(0.15, written.get("mask_prob").asDouble());
        assertEquals(7, written.get("span").asInt());
        assertEquals(1.0, written.get("freq_mask_prob").asDouble());
        assertEquals(0.2, written.get("freq_mask_width").asDouble());
        assertEquals(c, MAPPER.treeToValue(written, MamConfig.class));
    }

    @Test
    void bindsSnakeCaseKeys() throws Exception {
        MamConfig c = MAPPER.readValue("{\"mask_prob\": 0.3, \"span\": 10, \"freq_mask_prob\": 0.5, \"freq_mask_width\": 0.1}",
                MamConfig.class);
        assertEquals(new MamConfig(0.3, 10, 0.5, 0.1), c);
        assertThrows(Exception.class, () -> MAPPER.readValue("{\"mask_probability\": 0.3}", MamConfig.class));
    }

    @Test
    void rejectsOutOfRangeValuesNamingTheKey() {
        assertMessage("mask_prob must be in (0, 1], got 0.0", () -> new MamConfig(0.0, null, null, null));
        assertMessage("mask_prob must be in (0, 1], got 1.5", () -> new MamConfig(1.5, null, null, null));
        assertMessage("span must be at least 1 frame, got 0", () -> new MamConfig(null, 0, null, null));
        assertMessage("freq_mask_prob must be in [0, 1], got -0.1", () -> new MamConfig(null, null, -0.1, null));
        assertMessage("freq_mask_width must be in [0, 1)", () -> new MamConfig(null, null, null, 1.0));
    }

    private static void assertMessage(String start, org.junit.jupiter.api.function.Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
