package dev.pretext.augmentations.reverb;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.pretext.api.PluginKind;
import dev.pretext.core.recipe.ConfigBinder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReverbConfigTest {
    private static final ObjectMapper MAPPER = ConfigBinder.MAPPER;

    @Test
    void missingKeysGetTheDefaults() {
        ReverbConfig c = ReverbConfig.defaults();
        assertEquals(List.of(0.2, 0.8), c.rt60());
        assertEquals(List.of(0.0, 10.0), c.drrDb());
        assertEquals(1.0, c.p());
    }

    @Test
    void badValuesAreRejectedWithTheKeyAndTheValidRange() {
        assertMessage("rt60 must be [min, max] with 0.05 <= min <= max <= 3.0 seconds; got [0.01, 0.5]",
                () -> new ReverbConfig(List.of(0.01, 0.5), null, null));
        assertMessage("rt60 must be [min, max] with 0.05 <= min <= max <= 3.0 seconds; got [0.9, 0.5]",
                () -> new ReverbConfig(List.of(0.9, 0.5), null, null));
        assertMessage("rt60 must be a range [min, max] of two numbers, e.g. [0.2, 0.8]; got [0.5]",
                () -> new ReverbConfig(List.of(0.5), null, null));
        assertMessage("drr_db must be [min, max] with -20.0 <= min <= max <= 30.0 decibels; got [0.0, 40.0]",
                () -> new ReverbConfig(null, List.of(0.0, 40.0), null));
        assertMessage("p must be in [0, 1], got 2.0", () -> new ReverbConfig(null, null, 2.0));
    }

    @Test
    void bindsFromRecipeKeysAndWritesDefaultsBack() throws Exception {
        assertEquals(new ReverbConfig(List.of(0.3, 1.0), List.of(-3.0, 6.0), 0.25),
                MAPPER.readValue("{\"rt60\": [0.3, 1], \"drr_db\": [-3, 6], \"p\": 0.25}", ReverbConfig.class));
        assertEquals(MAPPER.readTree("{\"rt60\":[0.2,0.8],\"drr_db\":[0.0,10.0],\"p\":1.0}"),
                MAPPER.valueToTree(MAPPER.readValue("{}", ReverbConfig.class)));
        assertThrows(UnrecognizedPropertyException.class, () -> MAPPER.readValue("{\"t60\": [1, 2]}", ReverbConfig.class));
    }

    @Test
    void pluginNamesItsTypes() {
        ReverbPlugin plugin = new ReverbPlugin();
        assertEquals(ReverbConfig.class, plugin.configType());
        assertTrue(PluginKind.AUGMENTATION.contract().isAssignableFrom(plugin.implementationType()));
    }

    private static void assertMessage(String expected, Executable build) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, build).getMessage());
    }
}
