package dev.pretext.architectures.transformer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Shape of the Transformer encoder. A {@code preset} fills {@code layers}, {@code dim}, {@code heads} and
 * {@code ffn}; any of them given explicitly overrides the preset's value. Without a preset all four are required.
 *
 * <p>Presets: {@code slim} 12 x 384, 8 heads, FFN 768 (deep and narrow, the seed paper's best at equal compute);
 * {@code small} 3 x 768, 12 heads, FFN 3072 (the common 3-layer TERA/Mockingjay size); {@code base} 12 x 768,
 * 12 heads, FFN 3072; {@code tiny} 4 x 128, 4 heads, FFN 256 (tests and the quickstart).
 *
 * @param preset  slim, small, base or tiny; null for a fully explicit shape
 * @param layers  number of Transformer layers, at least 1
 * @param dim     width of the hidden states
 * @param heads   attention heads; must divide {@code dim}
 * @param ffn     width of the feed-forward hidden layer
 * @param dropout dropout rate in [0, 1) applied only when training (default 0.0)
 */
public record TransformerConfig(String preset, Integer layers, Integer dim, Integer heads, Integer ffn,
                                Double dropout) {

    /** layers, dim, heads, ffn per preset. */
    static final Map<String, int[]> PRESETS = Map.of(
            "slim", new int[]{12, 384, 8, 768},
            "small", new int[]{3, 768, 12, 3072},
            "base", new int[]{12, 768, 12, 3072},
            "tiny", new int[]{4, 128, 4, 256});

    static final String PRESET_NAMES = "slim, small, base, tiny";

    public TransformerConfig {
        if (preset != null) {
            int[] shape = PRESETS.get(preset);
            if (shape == null) {
                throw new IllegalArgumentException("preset must be one of " + PRESET_NAMES + ", got '" + preset
                        + "' (or leave preset out and give layers, dim, heads and ffn)");
            }
            layers = layers == null ? shape[0] : layers;
            dim = dim == null ? shape[1] : dim;
            heads = heads == null ? shape[2] : heads;
            ffn = ffn == null ? shape[3] : ffn;
        } else {
            List<String> missing = new ArrayList<>();
            if (layers == null) {
                missing.add("layers");
            }
            if (dim == null) {
                missing.add("dim");
            }
            if (heads == null) {
                missing.add("heads");
            }
            if (ffn == null) {
                missing.add("ffn");
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("without a preset, layers, dim, heads and ffn are all required; missing "
                        + String.join(", ", missing) + " (or set preset to one of " + PRESET_NAMES + ")");
            }
        }
        dropout = dropout == null ? 0.0 : dropout;
        requireAtLeastOne("layers", layers);
        requireAtLeastOne("dim", dim);
        requireAtLeastOne("heads", heads);
        requireAtLeastOne("ffn", ffn);
        if (dim % heads != 0) {
            throw new IllegalArgumentException("heads must divide dim=" + dim + ", got heads=" + heads
                    + "; valid head counts for this dim: " + divisors(dim));
        }
        if (!(dropout >= 0.0 && dropout < 1.0)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    /** Width of one attention head. */
    public int headDim() {
        return dim / heads;
    }

    private static void requireAtLeastOne(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " must be at least 1, got " + value);
        }
    }

    private static String divisors(int n) {
        List<String> out = new ArrayList<>();
        for (int d = 1; d <= n; d++) {
            if (n % d == 0) {
                out.add(Integer.toString(d));
            }
        }
        return String.join(", ", out);
    }
}
