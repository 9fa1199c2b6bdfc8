package dev.pretext.augmentations.gain;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pretext.core.recipe.ConfigBinder;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The recipe keys as the core binds them: snake_case, unknown keys rejected, no string-to-number coercion. */
class GainConfigBindingTest {
    /** The core's own mapper: what a recipe really goes through. */
    private static final ObjectMapper MAPPER = ConfigBinder.MAPPER;

    @Test
    void bindsAnIntegerRangeAndWritesDefaultsBack() throws Exception {
        assertEquals(new GainConfig(List.of(-3.0, 3.0), 1.0),
                MAPPER.readValue("{\"db\": [-3, 3]}", GainConfig.class));
        assertEquals(MAPPER.readTree("{\"db\":[-6.0,6.0],\"p\":1.0}"),
                MAPPER.valueToTree(MAPPER.readValue("{}", GainConfig.class)));
    }

    @Test
    void unknownKeysAreRejected() {
        assertThrows(UnrecognizedPropertyException.class,
                () -> MAPPER.readValue("{\"gain_db\": [-3, 3]}", GainConfig.class));
    }
}
