package dev.pretext.augmentations.noise;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.pretext.api.PluginKind;
import dev.pretext.core.recipe.ConfigBinder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoiseConfigTest {
    private static final ObjectMapper MAPPER = ConfigBinder.MAPPER;

    @Test
    void missingKeysGetTheDefaults() {
        NoiseConfig c = NoiseConfig.defaults();
        assertEquals(List.of(5.0, 20.0), c.snrDb());
        assertEquals("white", c.colour());
        assertEquals(null, c.dir());
        assertEquals(1.0, c.p());
        assertEquals("pink", new NoiseConfig(null, null, " Pink ", null).colour());
    }

    @Test
    void badValuesAreRejectedWithTheKeyAndWhatIsValid() {
        assertMessage("snr_db must be [min, max] with -20.0 <= min <= max <= 60.0 decibels; got [-30.0, 10.0]",
                () -> new NoiseConfig(List.of(-30.0, 10.0), null, null, null));
        assertMessage("snr_db must be [min, max] with -20.0 <= min <= max <= 60.0 decibels; got [10.0, 5.0]",
                () -> new NoiseConfig(List.of(10.0, 5.0), null, null, null));
        assertMessage("snr_db must be a range [min, max] of two numbers, e.g. [5, 20]; got [5.0]",
                () -> new NoiseConfig(List.of(5.0), null, null, null));
        assertMessage("colour must be one of white, pink, brown; got 'blue'",
                () -> new NoiseConfig(null, null, "blue", null));
        assertMessage("give either dir (a folder of noise recordings) or colour (generated noise: white, pink, brown), "
                + "not both", () -> new NoiseConfig(null, "/tmp", "pink", null));
        assertMessage("dir must name a folder of 16 kHz mono WAV noise files, got an empty string",
                () -> new NoiseConfig(null, " ", null, null));
        assertMessage("p must be in [0, 1], got -0.5", () -> new NoiseConfig(null, null, null, -0.5));
    }

    @Test
    void bindsFromRecipeKeysAndWritesDefaultsBack() throws Exception {
        assertEquals(new NoiseConfig(List.of(0.0, 10.0), null, "brown", 0.5),
                MAPPER.readValue("{\"snr_db\": [0, 10], \"colour\": \"brown\", \"p\": 0.5}", NoiseConfig.class));
        assertEquals(MAPPER.readTree("{\"snr_db\":[5.0,20.0],\"colour\":\"white\",\"p\":1.0}"),
                MAPPER.valueToTree(MAPPER.readValue("{}", NoiseConfig.class)));
        assertThrows(UnrecognizedPropertyException.class,
                () -> MAPPER.readValue("{\"snr\": [1, 2]}", NoiseConfig.class));
    }

    @Test
    void pluginNamesItsTypes() {
        NoisePlugin plugin = new NoisePlugin();
        assertEquals(NoiseConfig.class, plugin.configType());
        assertTrue(PluginKind.AUGMENTATION.contract().isAssignableFrom(plugin.implementationType()));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable build) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, build).getMessage());
    }
}
