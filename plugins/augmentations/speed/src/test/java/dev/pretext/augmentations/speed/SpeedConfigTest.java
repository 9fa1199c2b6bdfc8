package dev.pretext.augmentations.speed;

import dev.pretext.api.PluginKind;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpeedConfigTest {
    @Test
    void missingKeysGetTheDefaults() {
        SpeedConfig c = SpeedConfig.defaults();
        assertEquals(List.of(0.9, 1.0, 1.1), c.factors());
        assertEquals(1.0, c.p());
    }

    @Test
    void factorsOutsideTheOpenRangeAreRejectedWithTheirPosition() {
        assertMessage("factors must each be in (0.5, 2.0), got 2.0 at position 1 of [0.9, 2.0]",
                List.of(0.9, 2.0), null);
        assertMessage("factors must each be in (0.5, 2.0), got 0.5 at position 0 of [0.5]", List.of(0.5), null);
        assertMessage("factors must each be in (0.5, 2.0), got null at position 0 of [null]",
                Arrays.asList((Double) null), null);
        assertMessage("factors must list at least one speed, e.g. [0.9, 1.0, 1.1]", List.of(), null);
    }

    @Test
    void pOutsideZeroOneIsRejected() {
        assertMessage("p must be in [0, 1], got 1.5", null, 1.5);
        assertMessage("p must be in [0, 1], got -0.1", null, -0.1);
        assertMessage("p must be in [0, 1], got NaN", null, Double.NaN);
    }

    @Test
    void pluginNamesItsTypes() {
        SpeedPlugin plugin = new SpeedPlugin();
        assertEquals(SpeedConfig.class, plugin.configType());
        assertTrue(PluginKind.AUGMENTATION.contract().isAssignableFrom(plugin.implementationType()));
    }

    private static void assertMessage(String expected, List<Double> factors, Double p) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SpeedConfig(factors, p));
        assertEquals(expected, e.getMessage());
    }
}
