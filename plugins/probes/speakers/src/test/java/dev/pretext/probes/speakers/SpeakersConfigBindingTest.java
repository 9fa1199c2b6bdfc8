package dev.pretext.probes.speakers;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pretext.core.recipe.ConfigBinder;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recipe keys as the core binds them: snake_case, unknown keys rejected, defaults written back. */
class SpeakersConfigBindingTest {
    /** The core's own mapper: what a recipe really goes through. */
    private static final ObjectMapper MAPPER = ConfigBinder.MAPPER;

    @Test
    void bindsSnakeCaseKeysAndWritesDefaultsBack() throws Exception {
        assertEquals(new SpeakersConfig(20, 0.01, 8),
                MAPPER.readValue("{\"epochs\": 20, \"lr\": 0.01, \"batch_size\": 8}", SpeakersConfig.class));
        assertEquals(MAPPER.readTree("{\"epochs\":60,\"lr\":0.005,\"batch_size\":16}"),
                MAPPER.valueToTree(MAPPER.readValue("{}", SpeakersConfig.class)));
    }

    @Test
    void unknownKeysAndBadValuesAreRejected() {
        assertThrows(UnrecognizedPropertyException.class,
                () -> MAPPER.readValue("{\"batch_frames\": 8}", SpeakersConfig.class));
        ValueInstantiationException e = assertThrows(ValueInstantiationException.class,
                () -> MAPPER.readValue("{\"epochs\": 0}", SpeakersConfig.class));
        assertTrue(e.getCause().getMessage().startsWith("epochs must be in [1, 10000]"), e.getCause().getMessage());
    }
}
