package dev.pretext.core.interop;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The name and shape bookkeeping of export and import, without any network. */
class NamesTest {
    static final EncoderLayout BASE = new EncoderLayout(512, "group", false, 12, 768, 12, 3072, false, 128, 16);
    static final EncoderLayout LARGE_LIKE = new EncoderLayout(8, "layer", true, 2, 12, 3, 20, true, 5, 3);

    @Test
    void djlChildNumbersAreDropped() {
        assertEquals("encoder layer03_attention_qkv_weight",
                PretextNames.canonical("encoder 05layer03_02attention_qkv_weight"));
        assertEquals("encoder input_projection_weight", PretextNames.canonical("encoder 01input_projection_weight"));
        assertEquals("frontend conv0_weight", PretextNames.canonical("frontend conv0_weight"));
    }

    @Test
    void baseHasPublishedSizeAndNames() {
        // torchaudio 0.13's wav2vec2_base(): 210 tensors, 94,370,944 values in its state dict (measured)
        assertEquals(210, BASE.torchaudioShapes().size());
        assertEquals(94_370_944L, BASE.parameterCount());
        String ta = "encoder.transformer.layers.3.feed_forward.intermediate_dense.weight";
        assertArrayEquals(new long[]{3072, 768}, BASE.torchaudioShapes().get(ta));
        assertEquals("encoder.layers.3.feed_forward.intermediate_dense.weight", Format.HUGGINGFACE.name(ta, BASE));
        assertEquals("encoder.layers.3.fc1.weight", Format.FAIRSEQ.name(ta, BASE));
        assertEquals("encoder.layers.3.self_attn_layer_norm.bias",
                Format.FAIRSEQ.name("encoder.transformer.layers.3.layer_norm.bias", BASE));
        assertEquals("feature_extractor.conv_layers.0.2.weight",
                Format.FAIRSEQ.name("feature_extractor.conv_layers.0.layer_norm.weight", BASE));
        assertEquals("feature_extractor.conv_layers.4.2.1.weight",
                Format.FAIRSEQ.name("feature_extractor.conv_layers.4.layer_norm.weight", LARGE_LIKE));
        assertEquals("post_extract_proj.bias", Format.FAIRSEQ.name("encoder.feature_projection.projection.bias", BASE));
        assertEquals("encoder.pos_conv.0.weight_g",
                Format.FAIRSEQ.name("encoder.transformer.pos_conv_embed.conv.weight_g", BASE));
        assertEquals("feature_projection.layer_norm.weight",
                Format.HUGGINGFACE.name("encoder.feature_projection.layer_norm.weight", BASE));
    }

    @Test
    void attentionIsSplitIntoQueryKeyValueRowsAndJoinedBack() {
        Map<String, Tensor> pretext = new LinkedHashMap<>();
        long[] seed = {1};
        PretextNames.pairs(LARGE_LIKE).forEach((p, t) -> pretext.put(p, filled(p, LARGE_LIKE.torchaudioShapes().get(t),
                seed)));
        int d = LARGE_LIKE.dim();
        for (int i = 0; i < LARGE_LIKE.layers(); i++) {
            String p = String.format("encoder layer%02d_attention_qkv_", i);
            pretext.put(p + "weight", filled(p + "weight", new long[]{3L * d, d}, seed));
            pretext.put(p + "bias", filled(p + "bias", new long[]{3L * d}, seed));
        }
        Map<String, Tensor> ta = PretextNames.toTorchaudio(pretext, LARGE_LIKE);
        assertEquals(LARGE_LIKE.torchaudioShapes().keySet(), ta.keySet());
        Tensor qkv = pretext.get("encoder layer01_attention_qkv_weight");
        Tensor k = ta.get("encoder.transformer.layers.1.attention.k_proj.weight");
        assertEquals(qkv.data()[d * d], k.data()[0], "key rows follow the query rows");
        Tensor v = ta.get("encoder.transformer.layers.1.attention.v_proj.bias");
        assertEquals(pretext.get("encoder layer01_attention_qkv_bias").data()[2 * d], v.data()[0]);
        Map<String, Tensor> back = PretextNames.fromTorchaudio(ta, LARGE_LIKE);
        assertEquals(pretext.keySet(), back.keySet());
        for (String n : pretext.keySet()) {
            assertArrayEquals(pretext.get(n).data(), back.get(n).data(), n);
        }
        pretext.remove("frontend conv3_bias");
        assertThrows(IllegalStateException.class, () -> PretextNames.toTorchaudio(pretext, LARGE_LIKE));
    }

    @Test
    void aFeaturesNetworkIsTorchaudiosEncoderAlone() {
        EncoderLayout fbank = new EncoderLayout(false, 80, "group", false, 2, 32, 4, 64, true, 16, 4);
        assertEquals(false, fbank.torchaudioShapes().keySet().stream().anyMatch(n -> n.startsWith("feature_extractor")));
        assertEquals("feature_projection.layer_norm.weight",
                Format.TORCHAUDIO.name("encoder.feature_projection.layer_norm.weight", fbank));
        assertEquals("encoder projection_norm_gamma", PretextNames.pairs(fbank).entrySet().stream()
                .filter(e -> e.getValue().equals("encoder.feature_projection.layer_norm.weight")).findFirst()
                .orElseThrow().getKey());
        assertEquals(80, fbank.torchaudioArguments(0.0, 0.0).get("in_features"));
    }

    private static Tensor filled(String name, long[] shape, long[] seed) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        float[] data = new float[(int) n];
        for (int i = 0; i < data.length; i++) {
            data[i] = seed[0]++;
        }
        return new Tensor(name, shape, data);
    }
}
