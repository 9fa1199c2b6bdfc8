package dev.pretext.probes.speakers;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpeakersConfigTest {
    @Test
    void missingKeysTakeTheDocumentedDefaults() {
        SpeakersConfig config = SpeakersConfig.defaults();
        assertEquals(SpeakersConfig.DEFAULT_EPOCHS, config.epochs());
        assertEquals(SpeakersConfig.DEFAULT_LR, config.lr());
        assertEquals(SpeakersConfig.DEFAULT_BATCH_SIZE, config.batchSize());
    }

    @Test
    void outOfRangeValuesAreRejectedByName() {
        assertMessage("epochs must be in [1, 10000], got 0", () -> new SpeakersConfig(0, null, null));
        assertMessage("lr must be in (0, 1], got 2.0", () -> new SpeakersConfig(null, 2.0, null));
        assertMessage("batch_size must be in [1, 65536], got 0", () -> new SpeakersConfig(null, null, 0));
    }

    private static void assertMessage(String start, Runnable construct) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, construct::run);
        assertTrue(error.getMessage().startsWith(start), error.getMessage());
    }
}
