package dev.pretext.architectures.fbank;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pretext.core.recipe.ConfigBinder;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recipe keys as the core binds them: snake_case, unknown keys rejected, no string-to-number coercion. */
class FbankConfigBindingTest {
    /** The core's own mapper: what a recipe really goes through. */
    private static final ObjectMapper MAPPER = ConfigBinder.MAPPER;

    @Test
    void bindsSnakeCaseKeysAndWritesDefaultsBack() throws Exception {
        FbankConfig c = MAPPER.readValue("{\"bins\": 40, \"frame_ms\": 20, \"shift_ms\": 8}", FbankConfig.class);
        assertEquals(new FbankConfig(40, 20.0, 8.0, false, null, null), c);
        assertEquals(MAPPER.readTree("{\"bins\":80,\"frame_ms\":25.0,\"shift_ms\":10.0,\"cmvn\":false,\"stack\":1,\"subsample\":1}"),
                MAPPER.valueToTree(MAPPER.readValue("{}", FbankConfig.class)));
    }

    @Test
    void unknownKeysAndBadValuesAreRejected() {
        assertThrows(UnrecognizedPropertyException.class,
                () -> MAPPER.readValue("{\"frame_length\": 25}", FbankConfig.class));
        ValueInstantiationException e = assertThrows(ValueInstantiationException.class,
                () -> MAPPER.readValue("{\"bins\": 2}", FbankConfig.class));
        assertTrue(e.getCause().getMessage().startsWith("bins must be in [4, 256]"), e.getCause().getMessage());
    }
}
