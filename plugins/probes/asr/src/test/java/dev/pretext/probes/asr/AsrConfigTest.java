package dev.pretext.probes.asr;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.pretext.core.recipe.ConfigBinder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AsrConfigTest {
    private static final ObjectMapper MAPPER = ConfigBinder.MAPPER;

    @Test
    void outOfRangeValuesAreRejectedByName() {
        assertMessage("epochs must be in [1, 1000], got 0", () -> new AsrConfig(0, null, null, null, null));
        assertMessage("lr must be in (0, 1], got 0.0", () -> new AsrConfig(null, 0.0, null, null, null));
        assertMessage("batch_size must be in [1, 4096] utterances, got 0", () -> new AsrConfig(null, null, 0, null, null));
        assertMessage("channels must be in [1, 4096], got 0", () -> new AsrConfig(null, null, null, 0, null));
        assertMessage("kernel must be odd and in [1, 31] (frames), got 4", () -> new AsrConfig(null, null, null, null, 4));
    }

    @Test
    void bindsSnakeCaseKeysAndWritesDefaultsBack() throws Exception {
        assertEquals(new AsrConfig(5, null, 2, null, null),
                MAPPER.readValue("{\"epochs\": 5, \"batch_size\": 2}", AsrConfig.class));
        assertEquals(MAPPER.readTree("{\"epochs\":20,\"lr\":0.01,\"batch_size\":4,\"channels\":32,\"kernel\":5}"),
                MAPPER.valueToTree(MAPPER.readValue("{}", AsrConfig.class)));
        assertThrows(UnrecognizedPropertyException.class, () -> MAPPER.readValue("{\"hidden\": 5}", AsrConfig.class));
    }

    private static void assertMessage(String start, Runnable construct) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, construct::run);
        assertTrue(error.getMessage().startsWith(start), error.getMessage());
    }
}
