package dev.pretext.augmentations.speed;

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
class SpeedConfigBindingTest {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    @Test
    void bindsIntegersAsFactorsAndWritesDefaultsBack() throws Exception {
        SpeedConfig c = MAPPER.readValue("{\"factors\": [0.9, 1, 1.1], \"p\": 0.5}", SpeedConfig.class);
        assertEquals(new SpeedConfig(List.of(0.9, 1.0, 1.1), 0.5), c);
        assertEquals("{\"factors\":[0.9,1.0,1.1],\"p\":1.0}",
                MAPPER.writeValueAsString(MAPPER.readValue("{}", SpeedConfig.class)));
    }

    @Test
    void unknownKeysAreRejected() {
        assertThrows(UnrecognizedPropertyException.class,
                () -> MAPPER.readValue("{\"factor\": [0.9]}", SpeedConfig.class));
    }
}
