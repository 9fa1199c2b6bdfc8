package dev.pretext.core.interop;

import dev.pretext.core.UserError;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A checkpoint layout outside pretext and how its tensor names relate to torchaudio's (the canonical names of
 * {@link EncoderLayout#torchaudioShapes()}). Every layout stores the same tensors with the same shapes; only
 * the names differ.
 */
public enum Format {
    /** torchaudio 0.13's {@code wav2vec2_model(...)} / {@code hubert_model(...)} state dict. */
    TORCHAUDIO("torchaudio"),
    /** transformers' {@code Wav2Vec2Model} / {@code HubertModel} (names from its public modelling source). */
    HUGGINGFACE("huggingface"),
    /** fairseq's {@code Wav2Vec2Model} / {@code HubertModel} state dict, inside its {@code .pt} checkpoint. */
    FAIRSEQ("fairseq");

    public final String key;

    Format(String key) {
        this.key = key;
    }

    public static Format parse(String text, List<Format> allowed, String option) {
        for (Format f : allowed) {
            if (f.key.equals(text == null ? null : text.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new UserError(option + ": unknown format '" + text + "'; choose " + String.join(" or ",
                allowed.stream().map(f -> f.key).toList()));
    }

    public static List<Format> all() {
        return Arrays.asList(values());
    }

    private static final Pattern CONV = Pattern.compile("feature_extractor\\.conv_layers\\.(\\d+)\\.(conv|layer_norm)\\.(\\w+)");
    private static final Pattern LAYER = Pattern.compile("encoder\\.transformer\\.layers\\.(\\d+)\\.(.*)");

    /** This format's name of the tensor torchaudio calls {@code name}. */
    public String name(String name, EncoderLayout layout) {
        return switch (this) {
            // a features network is torchaudio's Encoder module alone: its own state dict has no "encoder."
            case TORCHAUDIO -> layout.waveform() ? name : name.substring("encoder.".length());
            case HUGGINGFACE -> {
                if (name.startsWith("encoder.feature_projection.")) {
                    yield name.substring("encoder.".length());
                }
                if (name.startsWith("encoder.transformer.")) {
                    yield "encoder." + name.substring("encoder.transformer.".length());
                }
                yield name;
            }
            default -> fairseq(name, layout);
        };
    }

    private static String fairseq(String name, EncoderLayout layout) {
        Matcher conv = CONV.matcher(name);
        if (conv.matches()) {
            String i = conv.group(1);
            if (conv.group(2).equals("conv")) {
                return "feature_extractor.conv_layers." + i + ".0." + conv.group(3);
            }
            // Sequential(conv, dropout, norm, GELU); a layer norm sits inside Sequential(transpose, norm, transpose)
            return "feature_extractor.conv_layers." + i + (layout.convNorm().equals("group") ? ".2." : ".2.1.")
                    + conv.group(3);
        }
        if (name.startsWith("encoder.feature_projection.layer_norm.")) {
            return "layer_norm." + name.substring("encoder.feature_projection.layer_norm.".length());
        }
        if (name.startsWith("encoder.feature_projection.projection.")) {
            return "post_extract_proj." + name.substring("encoder.feature_projection.projection.".length());
        }
        if (name.startsWith("encoder.transformer.pos_conv_embed.conv.")) {
            return "encoder.pos_conv.0." + name.substring("encoder.transformer.pos_conv_embed.conv.".length());
        }
        if (name.startsWith("encoder.transformer.layer_norm.")) {
            return "encoder.layer_norm." + name.substring("encoder.transformer.layer_norm.".length());
        }
        Matcher layer = LAYER.matcher(name);
        if (layer.matches()) {
            String rest = layer.group(2)
                    .replace("attention.", "self_attn.")
                    .replaceFirst("^layer_norm\\.", "self_attn_layer_norm.")
                    .replace("feed_forward.intermediate_dense.", "fc1.")
                    .replace("feed_forward.output_dense.", "fc2.");
            return "encoder.layers." + layer.group(1) + "." + rest;
        }
        throw new IllegalArgumentException("no fairseq name for " + name);
    }
}
