package dev.pretext.augmentations.speed;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pretext.core.recipe.ConfigBinder;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The recipe keys as the core binds them: snake_case, unknown keys rejected, no string-to-number coercion. */
class SpeedConfigBindingTest {
    /** The core's own mapper: what a recipe really goes through. */
    private static final ObjectMapper MAPPER = ConfigBinder.MAPPER;

    @Test
    void bindsIntegersAsFactorsAndWritesDefaultsBack() throws Exception {
        SpeedConfig c = MAPPER.readValue("{\"factors\": [0.9, 1, 1.1], \"p\": 0.5}", SpeedConfig.class);
        assertEquals(new SpeedConfig(List.of(0.9, 1.0, 1.1), 0.5), c);
        assertEquals(MAPPER.readTree("{\"factors\":[0.9,1.0,1.1],\"p\":1.0}"),
                MAPPER.valueToTree(MAPPER.readValue("{}", SpeedConfig.class)));
    }

    @Test
    void unknownKeysAreRejected() {
        assertThrows(UnrecognizedPropertyException.class,
                () -> MAPPER.readValue("{\"factor\": [0.9]}", SpeedConfig.class));
    }
}
