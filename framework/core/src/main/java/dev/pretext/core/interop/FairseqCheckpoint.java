package dev.pretext.core.interop;

import dev.pretext.core.UserError;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fairseq wav2vec 2.0 / HuBERT checkpoint ({@code .pt}: a {@code torch.save} of a dict with {@code model}, the
 * state dict, and {@code cfg} (omegaconf, fairseq 0.10+) or {@code args} (argparse, older)), read with
 * {@link TorchPickle}. Widths, depth, the convolution's norm and biases and the positional convolution come from
 * the tensors' shapes; the two facts shapes cannot tell, attention heads ({@code encoder_attention_heads}) and
 * the LayerNorm order ({@code layer_norm_first}), from the configuration, found by key wherever it sits (an
 * omegaconf node's value is unwrapped from its {@code _val}). A fine-tuned model's encoder
 * ({@code w2v_encoder.w2v_model.}) is read without its CTC projection.
 */
record FairseqCheckpoint(EncoderLayout layout, Map<String, Tensor> tensors, String modelType) {

    static FairseqCheckpoint read(Path file) {
        Object top = TorchPickle.load(file);
        if (!(top instanceof Map<?, ?> root) || !(root.get("model") instanceof Map<?, ?> model)) {
            throw new UserError(file + ": not a fairseq checkpoint (no 'model' state dict at the top level)");
        }
        Map<String, Tensor> all = new LinkedHashMap<>();
        model.forEach((k, v) -> {
            if (v instanceof Tensor t) {
                all.put(String.valueOf(k), t);
            }
        });
        String prefix = "";
        for (String k : all.keySet()) {
            if (k.endsWith("post_extract_proj.weight")) {
                prefix = k.substring(0, k.length() - "post_extract_proj.weight".length());
            }
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : all.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(prefix)) {
                tensors.put(k.substring(prefix.length()), e.getValue().renamed(k.substring(prefix.length())));
            } else if (!k.startsWith("w2v_encoder.proj")) {
                tensors.put(k, e.getValue());
            }
        }
        Tensor proj = tensors.get("post_extract_proj.weight");
        if (proj == null) {
            throw new UserError(file + ": tensor 'post_extract_proj.weight' is missing: this fairseq model has no "
                    + "feature projection (its convolution width equals its encoder width), which torchaudio and "
                    + "pretext always have; not importable");
        }
        Tensor conv0 = need(tensors, "feature_extractor.conv_layers.0.0.weight", file);
        Tensor posV = need(tensors, "encoder.pos_conv.0.weight_v", file);
        Tensor ffn = need(tensors, "encoder.layers.0.fc1.weight", file);
        int layers = 0;
        while (tensors.containsKey("encoder.layers." + layers + ".fc1.weight")) {
            layers++;
        }
        String convNorm = tensors.containsKey("feature_extractor.conv_layers.0.2.1.weight") ? "layer"
                : tensors.containsKey("feature_extractor.conv_layers.0.2.weight") ? "group" : null;
        if (convNorm == null) {
            throw new UserError(file + ": no norm after the first convolution (feature_extractor.conv_layers.0.2.weight"
                    + " or .0.2.1.weight); pretext's waveform-cnn needs wav2vec 2.0's group or layer norm");
        }
        int dim = (int) proj.shape()[0];
        List<Object> configs = new ArrayList<>();
        for (String key : List.of("cfg", "args")) {
            if (root.get(key) != null) {
                configs.add(root.get(key));
            }
        }
        Object heads = find(configs, "encoder_attention_heads");
        Object first = find(configs, "layer_norm_first");
        if (!(heads instanceof Number headCount)) {
            throw new UserError(file + ": the checkpoint's configuration does not say encoder_attention_heads "
                    + "(looked in cfg and args); pretext cannot tell the attention heads from the tensors");
        }
        String type = String.valueOf(find(configs, "_name"));
        if (!type.contains("hubert") && !type.contains("wav2vec")) {
            type = tensors.containsKey("label_embs_concat") ? "hubert" : "wav2vec2";
        }
        EncoderLayout layout = new EncoderLayout((int) conv0.shape()[0], convNorm,
                tensors.containsKey("feature_extractor.conv_layers.0.0.bias"), layers, dim,
                headCount.intValue(), (int) ffn.shape()[0], Boolean.TRUE.equals(first),
                (int) posV.shape()[2], (int) (dim / posV.shape()[1]));
        return new FairseqCheckpoint(layout, tensors, type.contains("hubert") ? "hubert" : "wav2vec2");
    }

    private static Tensor need(Map<String, Tensor> tensors, String name, Path file) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new UserError(file + ": tensor '" + name + "' is missing; not a fairseq wav2vec 2.0 / HuBERT model");
        }
        return t;
    }

    /** The first value under {@code key} in a depth-first walk of the configuration objects, unwrapped. */
    static Object find(Object node, String key) {
        return find(node, key, 0, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
    }

    private static Object find(Object node, String key, int depth, java.util.Set<Object> seen) {
        if (node == null || depth > 12 || !seen.add(node)) {
            return null;
        }
        if (node instanceof Map<?, ?> m) {
            if (m.containsKey(key)) {
                return unwrap(m.get(key));
            }
            // fairseq's cfg: prefer its model section
            if (m.containsKey("model")) {
                Object found = find(m.get("model"), key, depth + 1, seen);
                if (found != null) {
                    return found;
                }
            }
            for (Object v : m.values()) {
                Object found = find(v, key, depth + 1, seen);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (node instanceof List<?> l) {
            for (Object v : l) {
                Object found = find(v, key, depth + 1, seen);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (node instanceof TorchPickle.Obj o) {
            Object found = find(o.state, key, depth + 1, seen);
            return found != null ? found : find(new LinkedHashMap<>(o.items), key, depth + 1, seen);
        }
        return null;
    }

    private static Object unwrap(Object v) {
        for (int i = 0; i < 4 && v instanceof TorchPickle.Obj o; i++) {
            Object val = o.state instanceof Map<?, ?> st ? st.get("_val") : null;
            if (val == null) {
                break;
            }
            v = val;
        }
        return v;
    }
}
