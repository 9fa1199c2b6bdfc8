package dev.pretext.core.interop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape of a wav2vec 2.0-family network (wav2vec 2.0, HuBERT, any size), in the terms shared by pretext
 * (a {@code waveform-cnn} frontend and a {@code transformer} encoder with convolutional positions) and by
 * torchaudio, transformers and fairseq: enough to name every tensor and know its shape.
 *
 * @param waveform   whether the network starts from the waveform with wav2vec 2.0's convolutional feature encoder
 *                   (pretext's waveform-cnn; torchaudio's {@code wav2vec2_model}), or from features such as fbank
 *                   (torchaudio's encoder alone, {@code components._get_encoder}); the conv keys are then unused
 * @param channels   the width the feature projection reads: the convolutions' (512 in every published model) or
 *                   the features' 
 * @param convNorm   "group" (a group norm after the first convolution only: Base models) or "layer" (a
 *                   layer norm after every convolution: Large models)
 * @param convBias   whether the convolutions have biases
 * @param layers     Transformer layers
 * @param dim        hidden width
 * @param heads      attention heads
 * @param ffn        feed-forward width
 * @param preNorm    LayerNorm first in each layer (and once at the end) rather than after each residual add (and
 *                   once on the input)
 * @param posKernel  the positional convolution's kernel
 * @param posGroups  the positional convolution's groups
 */
public record EncoderLayout(boolean waveform, int channels, String convNorm, boolean convBias, int layers, int dim,
                            int heads, int ffn, boolean preNorm, int posKernel, int posGroups) {
    /** wav2vec 2.0's seven convolutions, the only feature encoder pretext has. */
    public static final List<Integer> KERNELS = List.of(10, 3, 3, 3, 3, 2, 2);
    public static final List<Integer> STRIDES = List.of(5, 2, 2, 2, 2, 2, 2);

    public EncoderLayout {
        if (!convNorm.equals("group") && !convNorm.equals("layer")) {
            throw new IllegalArgumentException("convNorm must be group or layer, got " + convNorm);
        }
    }

    /** A waveform network (the published models' kind). */
    public EncoderLayout(int channels, String convNorm, boolean convBias, int layers, int dim, int heads, int ffn,
                         boolean preNorm, int posKernel, int posGroups) {
        this(true, channels, convNorm, convBias, layers, dim, heads, ffn, preNorm, posKernel, posGroups);
    }

    /** Whether convolution {@code i} has a norm after it. */
    public boolean convNormAt(int i) {
        return convNorm.equals("layer") || i == 0;
    }

    /**
     * Every tensor of the network by its torchaudio name (the canonical one here; other formats rename), with its
     * shape, in the order of torchaudio's {@code state_dict()}.
     */
    public Map<String, long[]> torchaudioShapes() {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (int i = 0; waveform && i < KERNELS.size(); i++) {
            String p = "feature_extractor.conv_layers." + i + ".";
            out.put(p + "conv.weight", new long[]{channels, i == 0 ? 1 : channels, KERNELS.get(i)});
            if (convBias) {
                out.put(p + "conv.bias", new long[]{channels});
            }
            if (convNormAt(i)) {
                out.put(p + "layer_norm.weight", new long[]{channels});
                out.put(p + "layer_norm.bias", new long[]{channels});
            }
        }
        out.put("encoder.feature_projection.layer_norm.weight", new long[]{channels});
        out.put("encoder.feature_projection.layer_norm.bias", new long[]{channels});
        out.put("encoder.feature_projection.projection.weight", new long[]{dim, channels});
        out.put("encoder.feature_projection.projection.bias", new long[]{dim});
        out.put("encoder.transformer.pos_conv_embed.conv.bias", new long[]{dim});
        out.put("encoder.transformer.pos_conv_embed.conv.weight_g", new long[]{1, 1, posKernel});
        out.put("encoder.transformer.pos_conv_embed.conv.weight_v", new long[]{dim, dim / posGroups, posKernel});
        out.put("encoder.transformer.layer_norm.weight", new long[]{dim});
        out.put("encoder.transformer.layer_norm.bias", new long[]{dim});
        for (int i = 0; i < layers; i++) {
            String p = "encoder.transformer.layers." + i + ".";
            for (String proj : List.of("k_proj", "v_proj", "q_proj", "out_proj")) {
                out.put(p + "attention." + proj + ".weight", new long[]{dim, dim});
                out.put(p + "attention." + proj + ".bias", new long[]{dim});
            }
            out.put(p + "layer_norm.weight", new long[]{dim});
            out.put(p + "layer_norm.bias", new long[]{dim});
            out.put(p + "feed_forward.intermediate_dense.weight", new long[]{ffn, dim});
            out.put(p + "feed_forward.intermediate_dense.bias", new long[]{ffn});
            out.put(p + "feed_forward.output_dense.weight", new long[]{dim, ffn});
            out.put(p + "feed_forward.output_dense.bias", new long[]{dim});
            out.put(p + "final_layer_norm.weight", new long[]{dim});
            out.put(p + "final_layer_norm.bias", new long[]{dim});
        }
        return out;
    }

    /**
     * The keyword arguments of {@code torchaudio.models.wav2vec2_model(...)} that build this network, or for a
     * features network those of {@code torchaudio.models.wav2vec2.components._get_encoder(...)}.
     */
    public Map<String, Object> torchaudioArguments(double dropout, double layerDrop) {
        Map<String, Object> args = new LinkedHashMap<>();
        if (!waveform) {
            args.put("in_features", channels);
            args.put("embed_dim", dim);
            args.put("dropout_input", 0.0);
            args.put("pos_conv_kernel", posKernel);
            args.put("pos_conv_groups", posGroups);
            args.put("num_layers", layers);
            args.put("num_heads", heads);
            args.put("attention_dropout", dropout);
            args.put("ff_interm_features", ffn);
            args.put("ff_interm_dropout", 0.0);
            args.put("dropout", dropout);
            args.put("layer_norm_first", preNorm);
            args.put("layer_drop", layerDrop);
            return args;
        }
        args.put("extractor_mode", convNorm.equals("group") ? "group_norm" : "layer_norm");
        List<List<Integer>> conv = new ArrayList<>();
        for (int i = 0; i < KERNELS.size(); i++) {
            conv.add(List.of(channels, KERNELS.get(i), STRIDES.get(i)));
        }
        args.put("extractor_conv_layer_config", conv);
        args.put("extractor_conv_bias", convBias);
        args.put("encoder_embed_dim", dim);
        args.put("encoder_projection_dropout", 0.0);
        args.put("encoder_pos_conv_kernel", posKernel);
        args.put("encoder_pos_conv_groups", posGroups);
        args.put("encoder_num_layers", layers);
        args.put("encoder_num_heads", heads);
        args.put("encoder_attention_dropout", dropout);
        args.put("encoder_ff_interm_features", ffn);
        args.put("encoder_ff_interm_dropout", 0.0);
        args.put("encoder_dropout", dropout);
        args.put("encoder_layer_norm_first", preNorm);
        args.put("encoder_layer_drop", layerDrop);
        args.put("aux_num_out", null);
        return args;
    }

    /** Parameters of the network (every tensor's size summed). */
    public long parameterCount() {
        long n = 0;
        for (long[] s : torchaudioShapes().values()) {
            long c = 1;
            for (long d : s) {
                c *= d;
            }
            n += c;
        }
        return n;
    }
}
