package dev.pretext.architectures.transformer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pretext.core.recipe.ConfigBinder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransformerConfigTest {
    /** Bound the way the core binds plugin configs. */
    /** The core's own mapper: what a recipe really goes through. */
    private static final ObjectMapper MAPPER = ConfigBinder.MAPPER;

    @Test
    void presetsFillTheShape() {
        TransformerConfig slim = new TransformerConfig("slim", null, null, null, null, null, null, null, null, null, null, null, null, null);
        assertEquals(12, slim.layers());
        assertEquals(384, slim.dim());
        assertEquals(8, slim.heads());
        assertEquals(768, slim.ffn());
        assertEquals(0.0, slim.dropout());

        TransformerConfig small = new TransformerConfig("small", null, null, null, null, null, null, null, null, null, null, null, null, null);
        assertEquals(3, small.layers());
        assertEquals(768, small.dim());
        assertEquals(12, small.heads());
        assertEquals(3072, small.ffn());

        TransformerConfig base = new TransformerConfig("base", null, null, null, null, null, null, null, null, null, null, null, null, null);
        assertEquals(12, base.layers());
        assertEquals(768, base.dim());

        TransformerConfig tiny = new TransformerConfig("tiny", null, null, null, null, null, null, null, null, null, null, null, null, null);
        assertEquals(4, tiny.layers());
        assertEquals(128, tiny.dim());
        assertEquals(4, tiny.heads());
        assertEquals(256, tiny.ffn());
    }

    @Test
    void explicitKeysOverrideThePreset() {
        TransformerConfig c = new TransformerConfig("slim", 6, null, 6, null, null, null, null, null, null, null, 0.1, null, null);
        assertEquals(6, c.layers());
        assertEquals(384, c.dim());
        assertEquals(6, c.heads());
        assertEquals(768, c.ffn());
        assertEquals(0.1, c.dropout());
        assertEquals(64, c.headDim());
    }

    @Test
    void withoutPresetAllFourAreRequired() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TransformerConfig(null, 4, 128, null, null, null, null, null, null, null, null, null, null, null));
        assertTrue(e.getMessage().contains("missing heads, ffn"), e.getMessage());
        assertTrue(e.getMessage().contains("slim"), e.getMessage());
        TransformerConfig c = new TransformerConfig(null, 2, 64, 4, 96, null, null, null, null, null, null, null, null, null);
        assertNull(c.preset());
        assertEquals(16, c.headDim());
    }

    @Test
    void headsMustDivideDimAndTheMessageListsValidCounts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TransformerConfig("slim", null, null, 5, null, null, null, null, null, null, null, null, null, null));
        assertTrue(e.getMessage().contains("heads must divide dim=384"), e.getMessage());
        assertTrue(e.getMessage().contains("1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 384"), e.getMessage());
    }

    @Test
    void rejectsBadValues() {
        assertThrows(IllegalArgumentException.class, () -> new TransformerConfig("huge", null, null, null, null, null, null, null, null, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new TransformerConfig("tiny", 0, null, null, null, null, null, null, null, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new TransformerConfig("tiny", null, null, null, -1, null, null, null, null, null, null, null, null, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TransformerConfig("tiny", null, null, null, null, null, null, null, null, null, null, 1.0, null, null));
        assertTrue(e.getMessage().startsWith("dropout must be in [0, 1)"), e.getMessage());
    }

    @Test
    void bindsFromSnakeCaseAndWritesTheResolvedShapeBack() throws Exception {
        TransformerConfig c = MAPPER.readValue("{\"preset\": \"slim\", \"heads\": 6}", TransformerConfig.class);
        assertEquals(12, c.layers());
        assertEquals(6, c.heads());
        JsonNode written = MAPPER.valueToTree(c);
        assertEquals(12, written.get("layers").asInt());
        assertEquals(384, written.get("dim").asInt());
        assertEquals(768, written.get("ffn").asInt());
        assertEquals(0.0, written.get("dropout").asDouble());
        // What is written back binds to the same config.
        assertEquals(c, MAPPER.treeToValue(written, TransformerConfig.class));
        assertThrows(Exception.class, () -> MAPPER.readValue("{\"preset\": \"slim\", \"layer\": 3}", TransformerConfig.class));
    }

    @Test
    void widthResizesThePresetAndNamesTheNearestValidWidthsWhenItBreaksTheHeads() throws Exception {
        TransformerConfig half = MAPPER.readValue("{\"preset\": \"slim\", \"width\": 0.5}", TransformerConfig.class);
        assertEquals(192, half.dim());
        assertEquals(384, half.ffn());
        assertEquals(8, half.heads());
        assertEquals(12, half.layers());
        String message = bindError("{\"preset\": \"slim\", \"width\": 0.3}");
        assertTrue(message.contains("width 0.3 makes dim 115.20"), message);
        assertTrue(message.contains("0.2917 (dim 112) or 0.3125 (dim 120)"), message);
        message = bindError("{\"layers\": 2, \"dim\": 8, \"heads\": 2, \"ffn\": 8, \"width\": 2}");
        assertTrue(message.contains("width resizes a preset"), message);
    }

    /** The message of the config's own validation error, as the recipe binder would report it. */
    private static String bindError(String json) {
        Exception e = assertThrows(Exception.class, () -> MAPPER.readValue(json, TransformerConfig.class));
        Throwable cause = e;
        while (!(cause instanceof IllegalArgumentException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertTrue(cause instanceof IllegalArgumentException, e.toString());
        return cause.getMessage();
    }

    @Test
    void scaleHitsTheParameterMultipleAndTheResolvedConfigBindsToItself() throws Exception {
        TransformerConfig slim = new TransformerConfig("slim", null, null, null, null, null, null, null, null, null,
                null, null, null, null);
        for (double scale : new double[]{0.5, 2.0, 4.0}) {
            TransformerConfig scaled = MAPPER.readValue("{\"preset\": \"slim\", \"scale\": " + scale + "}",
                    TransformerConfig.class);
            assertEquals(12, scaled.layers());
            assertEquals(0, scaled.dim() % scaled.heads());
            double ratio = (double) TransformerEncoder.parameterCount(scaled, 80)
                    / TransformerEncoder.parameterCount(slim, 80);
            assertEquals(scale, ratio, 0.05 * scale, "scale " + scale + " gave dim " + scaled.dim());
            // The resolved recipe carries scale and the resulting dim; binding it again changes nothing.
            assertEquals(scaled, MAPPER.treeToValue(MAPPER.valueToTree(scaled), TransformerConfig.class));
        }
        TransformerConfig conv = MAPPER.readValue("{\"preset\": \"tiny\", \"scale\": 2, \"positions\": \"conv\"}",
                TransformerConfig.class);
        assertEquals(0, conv.dim() % 16, "dim " + conv.dim() + " must split into the 16 convolution groups");
        assertTrue(bindError("{\"preset\": \"slim\", \"scale\": 2, \"width\": 2}").contains("not both"));
    }

    @Test
    void layoutKeysAreValidated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TransformerConfig("tiny", null, null, null, null, null, null, "middle", null, null, null, null,
                        null, null));
        assertTrue(e.getMessage().contains("norm must be pre or post"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new TransformerConfig("tiny", null, null, null, null, null, null, null, "learned", null, null,
                        null, null, null));
        assertTrue(e.getMessage().contains("positions must be sinusoidal or conv"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new TransformerConfig("tiny", null, null, null, null, null, null, null, "conv", null, 12, null,
                        null, null));
        assertTrue(e.getMessage().contains("pos_conv_groups must divide dim=128"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new TransformerConfig("tiny", null, null, null, null, null, null, null, null, null, null, null,
                        1.0, null));
        assertTrue(e.getMessage().startsWith("layer_drop must be in [0, 1)"), e.getMessage());
    }
}
