package dev.pretext.objectives.wav2vec2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pretext.core.recipe.ConfigBinder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Wav2vec2ConfigTest {
    /** The core's own mapper: what a recipe really goes through. */
    private static final ObjectMapper MAPPER = ConfigBinder.MAPPER;

    @Test
    void defaultsAreThePapersAndVisible() throws Exception {
        Wav2vec2Config c = MAPPER.readValue("{}", Wav2vec2Config.class);
        assertEquals(Wav2vec2Config.defaults(), c);
        assertEquals(0.65, c.maskProb());
        assertEquals(200.0, c.spanMs());
        assertEquals(2, c.groups());
        assertEquals(320, c.entries());
        assertEquals(256, c.finalDim());
        assertEquals(128, c.codeDim());
        assertEquals(100, c.negatives());
        assertEquals(0.1, c.logitTemperature());
        assertEquals(List.of(2.0, 0.5), c.gumbelTemperature());
        assertEquals(0.999995, c.gumbelDecay());
        assertEquals(0.1, c.diversityWeight());
        JsonNode written = MAPPER.valueToTree(c);
        assertEquals(320, written.get("entries").asInt());
        assertEquals(256, written.get("final_dim").asInt());
        assertEquals(0.02, written.get("collapse_share").asDouble());
        assertEquals(c, MAPPER.treeToValue(written, Wav2vec2Config.class));
    }

    @Test
    void bindsSnakeCaseKeysAndRejectsUnknownOnes() throws Exception {
        Wav2vec2Config c = MAPPER.readValue("{\"groups\": 1, \"entries\": 64, \"final_dim\": 128, \"negatives\": 50, "
                + "\"gumbel_temperature\": [1.0, 0.1], \"gumbel_decay\": 0.999, \"diversity_weight\": 0.2}",
                Wav2vec2Config.class);
        assertEquals(64, c.entries());
        assertEquals(List.of(1.0, 0.1), c.gumbelTemperature());
        assertThrows(Exception.class, () -> MAPPER.readValue("{\"codebooks\": 3}", Wav2vec2Config.class));
    }

    @Test
    void theTemperatureAnnealsToItsFloor() {
        Wav2vec2Config c = Wav2vec2Config.defaults();
        assertEquals(2.0, c.gumbelTemperatureAfter(0));
        assertEquals(2.0 * Math.pow(0.999995, 1000), c.gumbelTemperatureAfter(1000), 1e-12);
        assertEquals(0.5, c.gumbelTemperatureAfter(10_000_000));
    }

    @Test
    void rejectsOutOfRangeValuesNamingTheKey() {
        assertMessage("final_dim must be a positive multiple of groups (3)",
                () -> new Wav2vec2Config(null, null, 3, null, 256, null, null, null, null, null, null));
        assertMessage("entries must be in [2, 65536]",
                () -> new Wav2vec2Config(null, null, null, 1, null, null, null, null, null, null, null));
        assertMessage("negatives must be at least 1",
                () -> new Wav2vec2Config(null, null, null, null, null, 0, null, null, null, null, null));
        assertMessage("gumbel_temperature must be [start, floor]",
                () -> new Wav2vec2Config(null, null, null, null, null, null, null, List.of(0.5, 2.0), null, null, null));
        assertMessage("gumbel_decay must be in (0, 1]",
                () -> new Wav2vec2Config(null, null, null, null, null, null, null, null, 1.5, null, null));
        assertMessage("mask_prob must be in (0, 1]",
                () -> new Wav2vec2Config(2.0, null, null, null, null, null, null, null, null, null, null));
        assertMessage("logit_temperature must be > 0",
                () -> new Wav2vec2Config(null, null, null, null, null, null, 0.0, null, null, null, null));
    }

    private static void assertMessage(String start, org.junit.jupiter.api.function.Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
