package dev.pretext.augmentations.gain;

import dev.pretext.api.PluginKind;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GainConfigTest {
    @Test
    void missingKeysGetTheDefaults() {
        GainConfig c = GainConfig.defaults();
        assertEquals(List.of(-6.0, 6.0), c.db());
        assertEquals(1.0, c.p());
    }

    @Test
    void dbMustBeAnOrderedPairWithinSixtyDecibels() {
        assertMessage("db must be a range [min, max] of two numbers, e.g. [-6, 6]; got [3.0]", List.of(3.0), null);
        assertMessage("db must be a range [min, max] of two numbers, e.g. [-6, 6]; got [1.0, 2.0, 3.0]",
                List.of(1.0, 2.0, 3.0), null);
        assertMessage("db must be a range [min, max] of two numbers, e.g. [-6, 6]; got [null, 2.0]",
                Arrays.asList(null, 2.0), null);
        assertMessage("db must be [min, max] with -60.0 <= min <= max <= 60.0 decibels; got [6.0, -6.0]",
                List.of(6.0, -6.0), null);
        assertMessage("db must be [min, max] with -60.0 <= min <= max <= 60.0 decibels; got [-80.0, 0.0]",
                List.of(-80.0, 0.0), null);
        assertMessage("db must be [min, max] with -60.0 <= min <= max <= 60.0 decibels; got [0.0, NaN]",
                List.of(0.0, Double.NaN), null);
    }

    @Test
    void pMustBeAProbability() {
        assertMessage("p must be in [0, 1], got 1.5", null, 1.5);
        assertMessage("p must be in [0, 1], got -0.5", null, -0.5);
    }

    @Test
    void pluginNamesItsTypes() {
        GainPlugin plugin = new GainPlugin();
        assertEquals(GainConfig.class, plugin.configType());
        assertTrue(PluginKind.AUGMENTATION.contract().isAssignableFrom(plugin.implementationType()));
    }

    private static void assertMessage(String expected, List<Double> db, Double p) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GainConfig(db, p));
        assertEquals(expected, e.getMessage());
    }
}
