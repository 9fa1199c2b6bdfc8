package dev.pretext.architectures.transformer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Shape of the Transformer encoder. A {@code preset} fills {@code layers}, {@code dim}, {@code heads} and
 * {@code ffn}; {@code width} or {@code scale} resize the preset; any of the four given explicitly overrides the
 * (resized) preset's value. Without a preset all four are required.
 *
 * <p>Presets: {@code slim} 12 x 384, 8 heads, FFN 768 (deep and narrow, the seed paper's best at equal compute);
 * {@code small} 3 x 768, 12 heads, FFN 3072 (the common 3-layer TERA/Mockingjay size); {@code base} 12 x 768,
 * 12 heads, FFN 3072 (wav2vec 2.0 / HuBERT Base); {@code tiny} 4 x 128, 4 heads, FFN 256 (tests).
 *
 * @param preset          slim, small, base or tiny; null for a fully explicit shape
 * @param layers          number of Transformer layers (the family's depth), at least 1
 * @param dim             width of the hidden states
 * @param heads           attention heads; must divide {@code dim}
 * @param ffn             width of the feed-forward hidden layer
 * @param width           multiplies the preset's dim and ffn (heads kept); dim must stay a multiple of heads
 * @param scale           target parameter count as a multiple of the preset's (layers kept, width adjusted
 *                        and rounded so that dim stays a multiple of heads): a sweep's "slim at 50%, 200%"
 * @param norm            {@code pre} (LayerNorm inside each residual branch, a final norm; stable at any
 *                        depth) or {@code post} (after each residual add, a norm on the input; BERT, wav2vec 2.0)
 * @param positions       {@code sinusoidal} (fixed table) or {@code conv} (wav2vec 2.0's grouped convolution
 *                        with weight normalisation and GELU, added to the input)
 * @param posConvKernel   kernel width of the positional convolution in frames (default 128, as wav2vec 2.0)
 * @param posConvGroups   groups of the positional convolution (default 16); must divide dim
 * @param dropout         dropout rate in [0, 1) applied only when training (default 0.0)
 * @param layerDrop       probability in [0, 1) that a layer is skipped for a whole batch when training (default 0)
 * @param causal          each frame attends only to itself and earlier frames (autoregressive objectives such as
 *                        APC; default false); needs sinusoidal positions, since the convolution looks ahead
 * @param projectionNorm  a LayerNorm over each input frame before the input projection, as wav2vec 2.0's feature
 *                        projection has (default false); with features such as fbank in, it makes the encoder the
 *                        one torchaudio's wav2vec 2.0 encoder computes, so that `pretext export` can write it
 */
public record TransformerConfig(String preset, Integer layers, Integer dim, Integer heads, Integer ffn,
                                Double width, Double scale, String norm, String positions,
                                Integer posConvKernel, Integer posConvGroups, Double dropout, Double layerDrop,
                                Boolean causal, Boolean projectionNorm) {

    /** Every key but projection_norm (off), as before it existed. */
    public TransformerConfig(String preset, Integer layers, Integer dim, Integer heads, Integer ffn, Double width,
                             Double scale, String norm, String positions, Integer posConvKernel, Integer posConvGroups,
                             Double dropout, Double layerDrop, Boolean causal) {
        this(preset, layers, dim, heads, ffn, width, scale, norm, positions, posConvKernel, posConvGroups, dropout,
                layerDrop, causal, null);
    }

    /** layers, dim, heads, ffn per preset. */
    static final Map<String, int[]> PRESETS = Map.of(
            "slim", new int[]{12, 384, 8, 768},
            "small", new int[]{3, 768, 12, 3072},
            "base", new int[]{12, 768, 12, 3072},
            "tiny", new int[]{4, 128, 4, 256});

    static final String PRESET_NAMES = "slim, small, base, tiny";

    public TransformerConfig {
        if (width != null && scale != null) {
            throw new IllegalArgumentException("give width (a multiplier of dim and ffn) or scale (a multiple of the "
                    + "parameter count), not both");
        }
        if (preset != null) {
            int[] shape = PRESETS.get(preset);
            if (shape == null) {
                throw new IllegalArgumentException("preset must be one of " + PRESET_NAMES + ", got '" + preset
                        + "' (or leave preset out and give layers, dim, heads and ffn)");
            }
            int depth = layers == null ? shape[0] : layers;
            int presetHeads = heads == null ? shape[2] : heads;
            // dim must split evenly into heads and, with convolutional positions, into their groups
            int quantum = "conv".equals(positions)
                    ? lcm(presetHeads, posConvGroups == null ? 16 : posConvGroups) : presetHeads;
            double multiplier = 1.0;
            if (width != null) {
                multiplier = checkedWidth(width, shape[1], quantum);
            } else if (scale != null) {
                multiplier = widthForScale(scale, depth, shape, quantum);
            }
            layers = depth;
            heads = presetHeads;
            dim = dim == null ? (int) Math.round(shape[1] * multiplier) : dim;
            ffn = ffn == null ? (int) Math.round(shape[3] * multiplier) : ffn;
        } else {
            if (width != null || scale != null) {
                throw new IllegalArgumentException((width != null ? "width" : "scale") + " resizes a preset; set "
                        + "preset to one of " + PRESET_NAMES + ", or give dim and ffn directly");
            }
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
        norm = norm == null ? "pre" : norm;
        positions = positions == null ? "sinusoidal" : positions;
        posConvKernel = posConvKernel == null ? 128 : posConvKernel;
        posConvGroups = posConvGroups == null ? 16 : posConvGroups;
        dropout = dropout == null ? 0.0 : dropout;
        layerDrop = layerDrop == null ? 0.0 : layerDrop;
        causal = causal == null ? Boolean.FALSE : causal;
        projectionNorm = projectionNorm == null ? Boolean.FALSE : projectionNorm;
        requireAtLeastOne("layers", layers);
        requireAtLeastOne("dim", dim);
        requireAtLeastOne("heads", heads);
        requireAtLeastOne("ffn", ffn);
        if (dim % heads != 0) {
            throw new IllegalArgumentException("heads must divide dim=" + dim + ", got heads=" + heads
                    + "; valid head counts for this dim: " + divisors(dim));
        }
        if (!norm.equals("pre") && !norm.equals("post")) {
            throw new IllegalArgumentException("norm must be pre or post, got '" + norm + "'");
        }
        if (!positions.equals("sinusoidal") && !positions.equals("conv")) {
            throw new IllegalArgumentException("positions must be sinusoidal or conv, got '" + positions + "'");
        }
        requireAtLeastOne("pos_conv_kernel", posConvKernel);
        requireAtLeastOne("pos_conv_groups", posConvGroups);
        if (positions.equals("conv") && dim % posConvGroups != 0) {
            throw new IllegalArgumentException("pos_conv_groups must divide dim=" + dim + ", got " + posConvGroups
                    + "; valid group counts for this dim: " + divisors(dim));
        }
        if (causal && positions.equals("conv")) {
            throw new IllegalArgumentException("causal: true needs positions: sinusoidal; the positional convolution "
                    + "looks " + (posConvKernel / 2) + " frames ahead");
        }
        if (!(dropout >= 0.0 && dropout < 1.0)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (!(layerDrop >= 0.0 && layerDrop < 1.0)) {
            throw new IllegalArgumentException("layer_drop must be in [0, 1), got " + layerDrop);
        }
    }

    /** An explicit pre-LN shape with sinusoidal positions and every other key at its default. */
    public static TransformerConfig shape(int layers, int dim, int heads, int ffn) {
        return new TransformerConfig(null, layers, dim, heads, ffn, null, null, null, null, null, null, null, null, null);
    }

    /** A preset with every other key at its default. */
    public static TransformerConfig preset(String name) {
        return new TransformerConfig(name, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** Width of one attention head. */
    public int headDim() {
        return dim / heads;
    }

    public boolean preNorm() {
        return norm.equals("pre");
    }

    public boolean convPositions() {
        return positions.equals("conv");
    }

    private static int lcm(int a, int b) {
        int x = a;
        int y = b;
        while (y != 0) {
            int t = x % y;
            x = y;
            y = t;
        }
        return a / x * b;
    }

    /**
     * A width multiplier that keeps dim a whole multiple of {@code heads} (the heads, and the positional
     * convolution's groups when there is one), or an error naming the nearest valid ones.
     */
    private static double checkedWidth(double width, int presetDim, int heads) {
        if (!(width > 0)) {
            throw new IllegalArgumentException("width must be positive, got " + width);
        }
        double scaled = presetDim * width;
        long rounded = Math.round(scaled);
        if (Math.abs(scaled - rounded) > 1e-6 || rounded % heads != 0 || rounded == 0) {
            long below = Math.max(heads, (long) Math.floor(scaled / heads) * heads);
            long above = Math.max(heads, (long) Math.ceil(scaled / heads) * heads);
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "width %s makes dim %.2f, which is not a whole multiple of %d (the heads, and the "
                            + "positional convolution's groups if any); nearest valid widths: "
                            + "%s (dim %d) or %s (dim %d), or use scale, which rounds for you",
                    width, scaled, heads, trim((double) below / presetDim), below,
                    trim((double) above / presetDim), above));
        }
        return width;
    }

    /**
     * The width multiplier whose rounded shape comes closest to {@code scale} times the preset's parameters at
     * this depth. Parameters grow with the square of the width, so the search starts at sqrt(scale).
     */
    private static double widthForScale(double scale, int depth, int[] preset, int heads) {
        if (!(scale > 0)) {
            throw new IllegalArgumentException("scale must be positive, got " + scale);
        }
        double target = scale * layerParameters(preset[1], preset[3]) * depth;
        double guess = preset[1] * Math.sqrt(scale);
        long best = heads;
        double bestError = Double.MAX_VALUE;
        for (long d = Math.max(heads, ((long) guess / heads - 2) * heads); d <= ((long) guess / heads + 3) * heads;
             d += heads) {
            double multiplier = (double) d / preset[1];
            double params = layerParameters(d, Math.round(preset[3] * multiplier)) * depth;
            double error = Math.abs(params - target);
            if (error < bestError) {
                bestError = error;
                best = d;
            }
        }
        return (double) best / preset[1];
    }

    /** Parameters of one layer (attention, FFN, two norms): the part that width scaling changes. */
    static double layerParameters(double d, double f) {
        return 4 * d * d + 4 * d + 2 * d * f + f + d + 4 * d;
    }

    private static String trim(double v) {
        return String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
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
