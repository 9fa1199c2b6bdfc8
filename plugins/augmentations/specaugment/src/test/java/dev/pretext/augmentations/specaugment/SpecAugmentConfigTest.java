package dev.pretext.augmentations.specaugment;

import dev.pretext.api.PluginKind;
import dev.pretext.api.data.Augmentation;
import dev.pretext.api.data.FeatureAugmentation;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpecAugmentConfigTest {
    @Test
    void missingKeysGetTheDefaults() {
        SpecAugmentConfig c = SpecAugmentConfig.defaults();
        assertEquals(1.0, c.p());
        assertEquals(2, c.freqMasks());
        assertEquals(27, c.freqWidth());
        assertEquals(2, c.timeMasks());
        assertEquals(40, c.timeWidth());
        assertEquals(0.2, c.timeRatio());
        assertEquals(0.0, c.value());
    }

    @Test
    void zeroMasksAndZeroWidthsAreAllowed() {
        SpecAugmentConfig c = new SpecAugmentConfig(0.0, 0, 0, 0, 0, 0.0, -1.5);
        assertEquals(0, c.freqMasks());
        assertEquals(-1.5, c.value());
        assertEquals(1.0, new SpecAugmentConfig(null, null, null, null, null, 1.0, null).timeRatio());
    }

    @Test
    void badValuesAreRejectedWithWhatIsValid() {
        assertMessage("p must be in [0, 1], got 1.5",
                () -> new SpecAugmentConfig(1.5, null, null, null, null, null, null));
        assertMessage("p must be in [0, 1], got NaN",
                () -> new SpecAugmentConfig(Double.NaN, null, null, null, null, null, null));
        assertMessage("freq_masks must be in [0, 100], got -1",
                () -> new SpecAugmentConfig(null, -1, null, null, null, null, null));
        assertMessage("time_masks must be in [0, 100], got 101",
                () -> new SpecAugmentConfig(null, null, null, 101, null, null, null));
        assertMessage("freq_width (the widest frequency mask, in bins) must be >= 0, got -3",
                () -> new SpecAugmentConfig(null, null, -3, null, null, null, null));
        assertMessage("time_width (the widest time mask, in frames) must be >= 0, got -40",
                () -> new SpecAugmentConfig(null, null, null, null, -40, null, null));
        assertMessage("time_ratio (the largest share of an utterance one time mask covers) must be in [0, 1], got 1.2",
                () -> new SpecAugmentConfig(null, null, null, null, null, 1.2, null));
        assertMessage("time_ratio (the largest share of an utterance one time mask covers) must be in [0, 1], got -0.1",
                () -> new SpecAugmentConfig(null, null, null, null, null, -0.1, null));
        assertMessage("value (what masked cells become) must be a finite number, got Infinity",
                () -> new SpecAugmentConfig(null, null, null, null, null, null, Double.POSITIVE_INFINITY));
    }

    @Test
    void pluginOffersAFeatureAugmentation() {
        SpecAugmentPlugin plugin = new SpecAugmentPlugin();
        assertEquals(SpecAugmentConfig.class, plugin.configType());
        assertTrue(PluginKind.AUGMENTATION.accepts(plugin.implementationType()));
        assertTrue(FeatureAugmentation.class.isAssignableFrom(plugin.implementationType()));
        assertFalse(Augmentation.class.isAssignableFrom(plugin.implementationType()));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable make) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make);
        assertEquals(expected, e.getMessage());
    }
}
