package dev.pretext.augmentations.gain;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The recipe keys as the core binds them: snake_case, unknown keys rejected, no string-to-number coercion. */
class GainConfigBindingTest {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    @Test
    void bindsAnIntegerRangeAndWritesDefaultsBack() throws Exception {
        assertEquals(new GainConfig(List.of(-3.0, 3.0), 1.0),
                MAPPER.readValue("{\"db\": [-3, 3]}", GainConfig.class));
        assertEquals("{\"db\":[-6.0,6.0],\"p\":1.0}",
                MAPPER.writeValueAsString(MAPPER.readValue("{}", GainConfig.class)));
    }

    @Test
    void unknownKeysAreRejected() {
        assertThrows(UnrecognizedPropertyException.class,
                () -> MAPPER.readValue("{\"gain_db\": [-3, 3]}", GainConfig.class));
    }
}
