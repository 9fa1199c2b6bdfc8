package dev.pretext.probes.keywords;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.pretext.core.recipe.ConfigBinder;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeywordsConfigTest {
    private static final ObjectMapper MAPPER = ConfigBinder.MAPPER;

    @Test
    void defaultsAreTheTenSpeechCommandsWords() {
        KeywordsConfig config = KeywordsConfig.defaults();
        assertEquals(List.of("yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"), config.keywords());
        assertEquals(0.2, config.minSilenceSeconds());
    }

    @Test
    void keywordsAreLowercasedAndCheckedByPosition() {
        assertEquals(List.of("yes", "marvin"), new KeywordsConfig(List.of("Yes", " marvin "), null, null, null, null)
                .keywords());
        assertMessage("keywords must name at least one word", () -> new KeywordsConfig(List.of(), null, null, null, null));
        assertMessage("keywords[1] 'two words' must be one word of letters (and apostrophes)",
                () -> new KeywordsConfig(List.of("yes", "two words"), null, null, null, null));
        assertMessage("keywords[1] '_silence_' must be one word",
                () -> new KeywordsConfig(List.of("yes", "_silence_"), null, null, null, null));
        assertMessage("keywords[2] 'yes' is listed twice",
                () -> new KeywordsConfig(List.of("yes", "no", "YES"), null, null, null, null));
        assertMessage("keywords[0] 'null' must be one word",
                () -> new KeywordsConfig(Arrays.asList((String) null), null, null, null, null));
    }

    @Test
    void outOfRangeValuesAreRejectedByName() {
        assertMessage("min_silence_seconds must be in (0, 10], got 0.0",
                () -> new KeywordsConfig(null, 0.0, null, null, null));
        assertMessage("epochs must be in [1, 10000], got 0", () -> new KeywordsConfig(null, null, 0, null, null));
        assertMessage("lr must be in (0, 1], got 2.0", () -> new KeywordsConfig(null, null, null, 2.0, null));
        assertMessage("batch_size must be in [1, 65536], got 0", () -> new KeywordsConfig(null, null, null, null, 0));
    }

    @Test
    void bindsSnakeCaseKeysAndWritesDefaultsBack() throws Exception {
        KeywordsConfig bound = MAPPER.readValue("{\"keywords\": [\"on\", \"off\"], \"min_silence_seconds\": 0.3}",
                KeywordsConfig.class);
        assertEquals(new KeywordsConfig(List.of("on", "off"), 0.3, null, null, null), bound);
        assertEquals(MAPPER.readTree("{\"keywords\":[\"yes\",\"no\",\"up\",\"down\",\"left\",\"right\",\"on\",\"off\","
                        + "\"stop\",\"go\"],\"min_silence_seconds\":0.2,\"epochs\":60,\"lr\":0.005,\"batch_size\":16}"),
                MAPPER.valueToTree(MAPPER.readValue("{}", KeywordsConfig.class)));
        assertThrows(UnrecognizedPropertyException.class, () -> MAPPER.readValue("{\"words\": []}",
                KeywordsConfig.class));
        ValueInstantiationException e = assertThrows(ValueInstantiationException.class,
                () -> MAPPER.readValue("{\"keywords\": [\"a b\"]}", KeywordsConfig.class));
        assertTrue(e.getCause().getMessage().startsWith("keywords[0] 'a b'"), e.getCause().getMessage());
    }

    private static void assertMessage(String start, Runnable construct) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, construct::run);
        assertTrue(error.getMessage().startsWith(start), error.getMessage());
    }
}
