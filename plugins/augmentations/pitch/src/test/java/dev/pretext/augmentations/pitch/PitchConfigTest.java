package dev.pretext.augmentations.pitch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.pretext.api.PluginKind;
import dev.pretext.core.recipe.ConfigBinder;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PitchConfigTest {
    private static final ObjectMapper MAPPER = ConfigBinder.MAPPER;

    @Test
    void missingKeysGetTheDefaults() {
        PitchConfig c = PitchConfig.defaults();
        assertEquals(List.of(-2.0, 2.0), c.semitones());
        assertEquals(1.0, c.p());
    }

    @Test
    void badRangesAreRejectedWithTheKeyAndTheValidRange() {
        assertMessage("semitones must be [min, max] with -12.0 <= min <= max <= 12.0; got [-13.0, 2.0]",
                List.of(-13.0, 2.0), null);
        assertMessage("semitones must be [min, max] with -12.0 <= min <= max <= 12.0; got [3.0, 2.0]",
                List.of(3.0, 2.0), null);
        assertMessage("semitones must be a range [min, max] of two numbers, e.g. [-2, 2]; got [1.0]", List.of(1.0), null);
        assertMessage("semitones must be a range [min, max] of two numbers, e.g. [-2, 2]; got [null, 1.0]",
                Arrays.asList(null, 1.0), null);
        assertMessage("p must be in [0, 1], got 1.5", null, 1.5);
        assertMessage("p must be in [0, 1], got NaN", null, Double.NaN);
    }

    @Test
    void bindsFromRecipeKeysAndWritesDefaultsBack() throws Exception {
        assertEquals(new PitchConfig(List.of(-1.0, 3.0), 0.5),
                MAPPER.readValue("{\"semitones\": [-1, 3], \"p\": 0.5}", PitchConfig.class));
        assertEquals(MAPPER.readTree("{\"semitones\":[-2.0,2.0],\"p\":1.0}"),
                MAPPER.valueToTree(MAPPER.readValue("{}", PitchConfig.class)));
        assertThrows(UnrecognizedPropertyException.class,
                () -> MAPPER.readValue("{\"semitone\": [1, 2]}", PitchConfig.class));
    }

    @Test
    void pluginNamesItsTypes() {
        PitchPlugin plugin = new PitchPlugin();
        assertEquals(PitchConfig.class, plugin.configType());
        assertTrue(PluginKind.AUGMENTATION.contract().isAssignableFrom(plugin.implementationType()));
    }

    private static void assertMessage(String expected, List<Double> semitones, Double p) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PitchConfig(semitones, p));
        assertEquals(expected, e.getMessage());
    }
}
