package dev.pretext.core.interop;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * pretext's parameter names (a {@code waveform-cnn} frontend and a {@code transformer} encoder with convolutional
 * positions, as {@code UpstreamModel.parameterNames()} gives them with DJL's child numbering removed, e.g.
 * {@code encoder layer03_attention_qkv_weight}) against torchaudio's. The map is one to one but for attention:
 * pretext fuses the query, key and value projections into one ({@code [3D, D]}, rows in that order), torchaudio
 * keeps three.
 */
public final class PretextNames {
    private PretextNames() {
    }

    /**
     * DJL prefixes each child block's name with its number ("encoder 02layer00_01attention_norm_gamma"): drop those.
     */
    public static String canonical(String prefixedName) {
        int space = prefixedName.indexOf(' ');
        return prefixedName.substring(0, space + 1)
                + prefixedName.substring(space + 1).replaceAll("(^|_)\\d\\d(?=[a-z])", "$1");
    }

    /** The one-to-one pairs: pretext name to torchaudio name (attention's q/k/v excepted). */
    static Map<String, String> pairs(EncoderLayout layout) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; layout.waveform() && i < EncoderLayout.KERNELS.size(); i++) {
            String ta = "feature_extractor.conv_layers." + i + ".";
            m.put("frontend conv" + i + "_weight", ta + "conv.weight");
            if (layout.convBias()) {
                m.put("frontend conv" + i + "_bias", ta + "conv.bias");
            }
            if (layout.convNormAt(i)) {
                m.put("frontend norm" + i + "_gamma", ta + "layer_norm.weight");
                m.put("frontend norm" + i + "_beta", ta + "layer_norm.bias");
            }
        }
        // the layer norm before the projection: waveform-cnn's last step, or the encoder's projection_norm
        String norm = layout.waveform() ? "frontend output_norm" : "encoder projection_norm";
        m.put(norm + "_gamma", "encoder.feature_projection.layer_norm.weight");
        m.put(norm + "_beta", "encoder.feature_projection.layer_norm.bias");
        m.put("encoder input_projection_weight", "encoder.feature_projection.projection.weight");
        m.put("encoder input_projection_bias", "encoder.feature_projection.projection.bias");
        m.put("encoder positions_direction", "encoder.transformer.pos_conv_embed.conv.weight_v");
        m.put("encoder positions_gain", "encoder.transformer.pos_conv_embed.conv.weight_g");
        m.put("encoder positions_bias", "encoder.transformer.pos_conv_embed.conv.bias");
        String outer = layout.preNorm() ? "final_norm" : "input_norm";
        m.put("encoder " + outer + "_gamma", "encoder.transformer.layer_norm.weight");
        m.put("encoder " + outer + "_beta", "encoder.transformer.layer_norm.bias");
        for (int i = 0; i < layout.layers(); i++) {
            String p = String.format(Locale.ROOT, "encoder layer%02d_", i);
            String ta = "encoder.transformer.layers." + i + ".";
            m.put(p + "attention_output_weight", ta + "attention.out_proj.weight");
            m.put(p + "attention_output_bias", ta + "attention.out_proj.bias");
            m.put(p + "attention_norm_gamma", ta + "layer_norm.weight");
            m.put(p + "attention_norm_beta", ta + "layer_norm.bias");
            m.put(p + "ffn_in_weight", ta + "feed_forward.intermediate_dense.weight");
            m.put(p + "ffn_in_bias", ta + "feed_forward.intermediate_dense.bias");
            m.put(p + "ffn_out_weight", ta + "feed_forward.output_dense.weight");
            m.put(p + "ffn_out_bias", ta + "feed_forward.output_dense.bias");
            m.put(p + "ffn_norm_gamma", ta + "final_layer_norm.weight");
            m.put(p + "ffn_norm_beta", ta + "final_layer_norm.bias");
        }
        return m;
    }

    /** Every pretext parameter of this layout (for the record of what went where). */
    public static Map<String, List<String>> mapping(EncoderLayout layout) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        pairs(layout).forEach((p, t) -> out.put(p, List.of(t)));
        for (int i = 0; i < layout.layers(); i++) {
            String p = String.format(Locale.ROOT, "encoder layer%02d_attention_qkv_", i);
            String ta = "encoder.transformer.layers." + i + ".attention.";
            for (String kind : List.of("weight", "bias")) {
                out.put(p + kind, List.of(ta + "q_proj." + kind, ta + "k_proj." + kind, ta + "v_proj." + kind));
            }
        }
        return out;
    }

    /**
     * pretext's tensors (canonical names) to torchaudio's, in torchaudio's order.
     *
     * @throws IllegalStateException when a pretext tensor is missing or left over (the layout is not the model's)
     */
    public static Map<String, Tensor> toTorchaudio(Map<String, Tensor> pretext, EncoderLayout layout) {
        Map<String, Tensor> byTa = new LinkedHashMap<>();
        Map<String, Tensor> left = new LinkedHashMap<>(pretext);
        pairs(layout).forEach((p, t) -> byTa.put(t, take(left, p).renamed(t)));
        int d = layout.dim();
        for (int i = 0; i < layout.layers(); i++) {
            String p = String.format(Locale.ROOT, "encoder layer%02d_attention_qkv_", i);
            String ta = "encoder.transformer.layers." + i + ".attention.";
            for (String kind : List.of("weight", "bias")) {
                Tensor qkv = take(left, p + kind);
                byTa.put(ta + "q_proj." + kind, qkv.rows(ta + "q_proj." + kind, 0, d));
                byTa.put(ta + "k_proj." + kind, qkv.rows(ta + "k_proj." + kind, d, 2L * d));
                byTa.put(ta + "v_proj." + kind, qkv.rows(ta + "v_proj." + kind, 2L * d, 3L * d));
            }
        }
        if (!left.isEmpty()) {
            throw new IllegalStateException("pretext parameters with no torchaudio name: " + left.keySet());
        }
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : layout.torchaudioShapes().entrySet()) {
            Tensor t = byTa.get(e.getKey());
            if (t == null || !t.hasShape(e.getValue())) {
                throw new IllegalStateException("torchaudio tensor " + e.getKey() + " expected with shape "
                        + java.util.Arrays.toString(e.getValue()) + ", got " + (t == null ? "none" : t.shapeText()));
            }
            ordered.put(e.getKey(), t);
        }
        return ordered;
    }

    /** torchaudio's tensors (all present and of the layout's shapes: checked before) to pretext's names. */
    public static Map<String, Tensor> fromTorchaudio(Map<String, Tensor> ta, EncoderLayout layout) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        pairs(layout).forEach((p, t) -> out.put(p, ta.get(t).renamed(p)));
        for (int i = 0; i < layout.layers(); i++) {
            String p = String.format(Locale.ROOT, "encoder layer%02d_attention_qkv_", i);
            String t = "encoder.transformer.layers." + i + ".attention.";
            for (String kind : List.of("weight", "bias")) {
                out.put(p + kind, Tensor.concatRows(p + kind, ta.get(t + "q_proj." + kind),
                        ta.get(t + "k_proj." + kind), ta.get(t + "v_proj." + kind)));
            }
        }
        return out;
    }

    private static Tensor take(Map<String, Tensor> left, String name) {
        Tensor t = left.remove(name);
        if (t == null) {
            throw new IllegalStateException("the model has no parameter '" + name + "' (has " + left.keySet() + ")");
        }
        return t;
    }
}
