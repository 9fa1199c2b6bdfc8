package dev.pretext.probes.phonemes;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PhonemesConfigTest {
    @Test
    void missingKeysTakeTheDocumentedDefaults() {
        PhonemesConfig config = PhonemesConfig.defaults();
        assertEquals(PhonemesConfig.DEFAULT_EPOCHS, config.epochs());
        assertEquals(PhonemesConfig.DEFAULT_LR, config.lr());
        assertEquals(PhonemesConfig.DEFAULT_BATCH_SIZE, config.batchSize());
        assertEquals(0, config.hidden());
    }

    @Test
    void outOfRangeValuesAreRejectedByName() {
        assertMessage("epochs must be in [1, 1000], got 0", () -> new PhonemesConfig(0, null, null, null));
        assertMessage("lr must be in (0, 1], got -0.1", () -> new PhonemesConfig(null, -0.1, null, null));
        assertMessage("batch_size must be in [1, 4096] utterances, got 0", () -> new PhonemesConfig(null, null, 0, null));
        assertMessage("hidden must be in [0, 8192]", () -> new PhonemesConfig(null, null, null, -1));
    }

    private static void assertMessage(String start, Runnable construct) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, construct::run);
        assertTrue(error.getMessage().startsWith(start), error.getMessage());
    }
}
