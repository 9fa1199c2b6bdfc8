package dev.pretext.probes.phonemes;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pretext.core.recipe.ConfigBinder;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recipe keys as the core binds them: snake_case, unknown keys rejected, defaults written back. */
class PhonemesConfigBindingTest {
    /** The core's own mapper: what a recipe really goes through. */
    private static final ObjectMapper MAPPER = ConfigBinder.MAPPER;

    @Test
    void bindsSnakeCaseKeysAndWritesDefaultsBack() throws Exception {
        assertEquals(new PhonemesConfig(3, 0.005, 4, 64),
                MAPPER.readValue("{\"epochs\": 3, \"batch_size\": 4, \"hidden\": 64}", PhonemesConfig.class));
        assertEquals(MAPPER.readTree("{\"epochs\":60,\"lr\":0.005,\"batch_size\":4,\"hidden\":0}"),
                MAPPER.valueToTree(MAPPER.readValue("{}", PhonemesConfig.class)));
    }

    @Test
    void unknownKeysAndBadValuesAreRejected() {
        assertThrows(UnrecognizedPropertyException.class,
                () -> MAPPER.readValue("{\"batch_frames\": 256}", PhonemesConfig.class));
        ValueInstantiationException e = assertThrows(ValueInstantiationException.class,
                () -> MAPPER.readValue("{\"lr\": 0}", PhonemesConfig.class));
        assertTrue(e.getCause().getMessage().startsWith("lr must be in (0, 1]"), e.getCause().getMessage());
    }
}
