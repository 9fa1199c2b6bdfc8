package dev.pretext.core.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pretext.core.UserError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * transformers' {@code config.json} for {@code Wav2Vec2Model} / {@code HubertModel} (key names as its public
 * {@code Wav2Vec2Config} / {@code HubertConfig} define them), written on export and read on import.
 */
final class HuggingFace {
    private HuggingFace() {
    }

    static Map<String, Object> config(EncoderLayout layout, String modelType, double dropout, double layerDrop) {
        Map<String, Object> c = new LinkedHashMap<>();
        boolean hubert = modelType.equals("hubert");
        c.put("model_type", modelType);
        c.put("architectures", List.of(hubert ? "HubertModel" : "Wav2Vec2Model"));
        c.put("hidden_size", layout.dim());
        c.put("num_hidden_layers", layout.layers());
        c.put("num_attention_heads", layout.heads());
        c.put("intermediate_size", layout.ffn());
        c.put("hidden_act", "gelu");
        c.put("layer_norm_eps", 1e-5);
        c.put("feat_extract_norm", layout.convNorm());
        c.put("feat_extract_activation", "gelu");
        List<Integer> dims = new ArrayList<>();
        List<Integer> kernels = new ArrayList<>();
        List<Integer> strides = new ArrayList<>();
        for (int i = 0; i < EncoderLayout.KERNELS.size(); i++) {
            dims.add(layout.channels());
            kernels.add(EncoderLayout.KERNELS.get(i));
            strides.add(EncoderLayout.STRIDES.get(i));
        }
        c.put("conv_dim", dims);
        c.put("conv_kernel", kernels);
        c.put("conv_stride", strides);
        c.put("conv_bias", layout.convBias());
        c.put("num_feat_extract_layers", EncoderLayout.KERNELS.size());
        c.put("num_conv_pos_embeddings", layout.posKernel());
        c.put("num_conv_pos_embedding_groups", layout.posGroups());
        c.put("do_stable_layer_norm", layout.preNorm());
        if (hubert) {
            c.put("feat_proj_layer_norm", true);
        }
        c.put("hidden_dropout", dropout);
        c.put("attention_dropout", dropout);
        c.put("activation_dropout", 0.0);
        c.put("feat_proj_dropout", 0.0);
        c.put("layerdrop", layerDrop);
        c.put("torch_dtype", "float32");
        return c;
    }

    /** The layout a config.json describes; every key the network's shape depends on must be there. */
    static EncoderLayout layout(JsonNode c, String where) {
        String type = c.path("model_type").asText("");
        if (!type.equals("wav2vec2") && !type.equals("hubert")) {
            throw new UserError(where + ": model_type '" + type + "'; pretext imports wav2vec2 and hubert");
        }
        if (!c.path("hidden_act").asText("gelu").equals("gelu")
                || !c.path("feat_extract_activation").asText("gelu").equals("gelu")) {
            throw new UserError(where + ": hidden_act / feat_extract_activation must be gelu (pretext's encoder and "
                    + "waveform-cnn use GELU)");
        }
        if (c.has("feat_proj_layer_norm") && !c.get("feat_proj_layer_norm").asBoolean()) {
            throw new UserError(where + ": feat_proj_layer_norm is false; pretext's waveform-cnn always ends with that "
                    + "layer norm");
        }
        if (c.has("num_conv_pos_embedding_layers") || c.path("position_embeddings_type").asText("").equals("rotary")) {
            throw new UserError(where + ": this config has positional embeddings pretext's encoder lacks");
        }
        int channels = uniform(c, "conv_dim", where);
        checkList(c, "conv_kernel", EncoderLayout.KERNELS, where);
        checkList(c, "conv_stride", EncoderLayout.STRIDES, where);
        String norm = c.path("feat_extract_norm").asText("group");
        if (!norm.equals("group") && !norm.equals("layer")) {
            throw new UserError(where + ": feat_extract_norm '" + norm + "'; expected group or layer");
        }
        int dim = required(c, "hidden_size", where);
        int groups = c.path("num_conv_pos_embedding_groups").asInt(16);
        return new EncoderLayout(channels, norm, c.path("conv_bias").asBoolean(false),
                required(c, "num_hidden_layers", where), dim, required(c, "num_attention_heads", where),
                required(c, "intermediate_size", where), c.path("do_stable_layer_norm").asBoolean(false),
                c.path("num_conv_pos_embeddings").asInt(128), groups);
    }

    static int required(JsonNode c, String key, String where) {
        if (!c.path(key).isIntegralNumber() || c.path(key).asInt() < 1) {
            throw new UserError(where + ": " + key + " is missing or not a positive whole number");
        }
        return c.get(key).asInt();
    }

    private static int uniform(JsonNode c, String key, String where) {
        JsonNode list = c.path(key);
        if (!list.isArray() || list.size() != EncoderLayout.KERNELS.size()) {
            throw new UserError(where + ": " + key + " must list " + EncoderLayout.KERNELS.size() + " widths (wav2vec "
                    + "2.0's seven convolutions), got " + list);
        }
        int first = list.get(0).asInt();
        for (JsonNode n : list) {
            if (n.asInt() != first) {
                throw new UserError(where + ": " + key + " " + list + " varies; pretext's waveform-cnn has one width");
            }
        }
        return first;
    }

    private static void checkList(JsonNode c, String key, List<Integer> expected, String where) {
        JsonNode list = c.path(key);
        if (list.isMissingNode()) {
            return;
        }
        boolean ok = list.isArray() && list.size() == expected.size();
        for (int i = 0; ok && i < expected.size(); i++) {
            ok = list.get(i).asInt() == expected.get(i);
        }
        if (!ok) {
            throw new UserError(where + ": " + key + " " + list + "; pretext's waveform-cnn has wav2vec 2.0's "
                    + expected);
        }
    }
}
