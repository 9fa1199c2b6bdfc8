package dev.pretext.core.interop;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.pretext.api.RunContext;
import dev.pretext.core.Console;
import dev.pretext.core.Json;
import dev.pretext.core.UserError;
import dev.pretext.core.model.UpstreamModel;
import dev.pretext.core.plugins.ComposedRun;
import dev.pretext.core.plugins.PluginRegistry;
import dev.pretext.core.recipe.LoadedRecipe;
import dev.pretext.core.train.Checkpoints;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code pretext import FILE --format torchaudio|huggingface|fairseq --as RECIPE_FRAGMENT}: a published wav2vec
 * 2.0 or HuBERT checkpoint (any size) as a pretext run folder that {@code pretext probe} accepts. The shape comes
 * from the checkpoint's own configuration (torchaudio: the {@code wav2vec2_model} arguments in a JSON file;
 * transformers: {@code config.json}; fairseq: the configuration inside the {@code .pt}); every tensor is checked
 * against it before anything is written. The run folder is written under a temporary name and renamed.
 */
public final class Importer {
    public static final String RECORD = "import.json";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    /** Tensors of pre-training or fine-tuning heads that a pretext encoder has no place for: skipped, reported. */
    private static final Pattern HEADS = Pattern.compile("(aux|mask_emb|masked_spec_embed|quantizer|project_q|project_hid"
            + "|final_proj|label_embs_concat|label_embeddings_concat|lm_head|projector|classifier|layer_weights"
            + "|target_glu)(\\..*)?");

    private Importer() {
    }

    /** What a source checkpoint holds, as canonical (torchaudio) names, and its shape. */
    record Source(EncoderLayout layout, Map<String, Tensor> tensors, List<String> skipped, String modelType) {
    }

    public static Path importModel(Path file, Format format, Path config, Path fragment, Path out, Path reference,
                                   PluginRegistry registry, Path cacheDir, Console console) {
        if (!Files.isRegularFile(file) && !(format == Format.HUGGINGFACE && Files.isDirectory(file))) {
            throw new UserError(file + " does not exist or is not a file");
        }
        if (!Files.isRegularFile(fragment)) {
            throw new UserError("--as " + fragment + " does not exist; give a recipe without frontend and encoder "
                    + "(name, data, probes), e.g. recipes/quickstart.yaml");
        }
        Source source = switch (format) {
            case TORCHAUDIO -> torchaudio(file, config);
            case HUGGINGFACE -> huggingface(file, config);
            case FAIRSEQ -> fairseq(file);
        };
        EncoderLayout layout = source.layout();

        ObjectNode recipe = recipeFrom(fragment, layout, file, format);
        String name = recipe.path("name").asText("");
        Path runDir = (out != null ? out : Path.of("runs").resolve(name)).toAbsolutePath();
        if (Files.exists(runDir)) {
            throw new UserError("run folder " + runDir + " exists; give another --out (or another name in " + fragment
                    + ")");
        }
        Path tmp = runDir.resolveSibling("." + runDir.getFileName() + ".import-tmp");
        Path createdParent = Files.isDirectory(runDir.getParent()) ? null : runDir.getParent();
        try {
            Exporter.deleteTree(tmp);
            Files.createDirectories(tmp);
            Path recipeFile = tmp.resolve("recipe.yaml");
            Files.writeString(recipeFile, "# imported by `pretext import` from " + file.toAbsolutePath() + " ("
                    + format.key + "); frontend, feature_norm and encoder describe that checkpoint\n"
                    + YAML.writeValueAsString(recipe));
            LoadedRecipe loaded = LoadedRecipe.load(recipeFile);
            long seed = loaded.recipe().seed();
            ComposedRun run = ComposedRun.compose(loaded, registry, new RunContext(seed, tmp, cacheDir, Device.cpu()));
            Map<String, Tensor> pretext = PretextNames.fromTorchaudio(source.tensors(), layout);
            try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
                UpstreamModel model = run.model();
                List<Parameter> params = model.initialize(manager, seed);
                List<String> names = model.parameterNames();
                NDList arrays = new NDList();
                for (int i = 0; i < params.size(); i++) {
                    String n = PretextNames.canonical(names.get(i));
                    Tensor t = pretext.get(n);
                    long[] shape = params.get(i).getArray().getShape().getShape();
                    if (t == null || !Arrays.equals(t.shape(), shape)) {
                        throw new IllegalStateException("pretext parameter " + n + " " + Arrays.toString(shape)
                                + " has no tensor of that shape among " + pretext.keySet());
                    }
                    params.get(i).getArray().set(t.data());
                    arrays.add(params.get(i).getArray());
                }
                byte[] bytes = arrays.encode();
                Path checkpoint = tmp.resolve("checkpoints").resolve("step-00000000");
                Files.createDirectories(checkpoint);
                Files.write(checkpoint.resolve(Checkpoints.MODEL), bytes);
                ObjectNode state = Json.MAPPER.createObjectNode();
                state.put("step", 0);
                state.put("imported_from", file.toAbsolutePath().toString());
                state.put("model_sha256", Checkpoints.sha256(bytes));
                Files.writeString(checkpoint.resolve(Checkpoints.STATE), Json.pretty(state));
                Files.writeString(tmp.resolve("checkpoints").resolve("latest"), "step-00000000\n");
                Map<String, Object> record = new LinkedHashMap<>();
                record.put("source", file.toAbsolutePath().toString());
                record.put("format", format.key);
                record.put("model_type", source.modelType());
                record.put("parameters", layout.parameterCount());
                record.put("layout", layout);
                record.put("skipped_heads", source.skipped());
                record.put("note", "no optimizer state: probe it (pretext probe), export it; `pretext train "
                        + "--resume` cannot continue it");
                if (reference != null) {
                    float[] samples = Reference.readWav(reference);
                    SafeTensors.write(tmp.resolve(Exporter.REFERENCE), Reference.compute(model,
                            run.frontend().instance(), null, samples, manager), Map.of("source",
                            reference.getFileName().toString()));
                    record.put("reference", Exporter.REFERENCE);
                }
                Files.writeString(tmp.resolve(RECORD), Json.pretty(record));
            }
            Files.createDirectories(runDir.getParent());
            Files.move(tmp, runDir);
        } catch (IOException e) {
            cleanUp(tmp, createdParent);
            throw new UserError("cannot write the run folder " + runDir + ": " + e.getMessage());
        } catch (RuntimeException e) {
            cleanUp(tmp, createdParent);
            if (e instanceof UserError ue && ue.getMessage().contains(tmp.toString())) {
                throw new UserError(ue.getMessage().replace(tmp.toString(), runDir.toString()), ue);
            }
            throw e;
        }
        console.line("imported " + file.getFileName() + " (" + format.key + ", " + source.modelType() + ", "
                + layout.parameterCount() + " parameters, " + layout.layers() + " x " + layout.dim() + ", "
                + layout.heads() + " heads, " + (layout.preNorm() ? "pre" : "post") + "-LN, conv " + layout.convNorm()
                + " norm) as " + runDir);
        if (!source.skipped().isEmpty()) {
            console.line("  left out " + source.skipped().size() + " head tensors: " + summary(source.skipped()));
        }
        console.line("  probe it: pretext probe " + runDir);
        return runDir;
    }

    /** Removes the temporary folder, and the parent folder when this import created it (nothing is left). */
    static void cleanUp(Path tmp, Path createdParent) {
        try {
            Exporter.deleteTree(tmp);
            if (createdParent != null && Files.isDirectory(createdParent)) {
                try (var s = Files.list(createdParent)) {
                    if (s.findAny().isEmpty()) {
                        Files.delete(createdParent);
                    }
                }
            }
        } catch (IOException ignored) {
            // the error being thrown says what went wrong
        }
    }

    private static String summary(List<String> names) {
        return names.size() <= 6 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 5)) + ", ... (" + names.size() + ")";
    }

    /** The fragment with the checkpoint's frontend, feature_norm and encoder (and a budget/objective if absent). */
    static ObjectNode recipeFrom(Path fragment, EncoderLayout layout, Path file, Format format) {
        JsonNode tree;
        try {
            tree = YAML.readTree(fragment.toFile());
        } catch (IOException e) {
            throw new UserError("--as " + fragment + " is not readable YAML: " + e.getMessage().lines().findFirst()
                    .orElse(""));
        }
        if (tree == null || !tree.isObject()) {
            throw new UserError("--as " + fragment + " is not a recipe (a mapping of sections: name, data, probes, ...)");
        }
        ObjectNode r = (ObjectNode) tree.deepCopy();
        for (String section : List.of("frontend", "encoder", "feature_norm")) {
            if (r.has(section)) {
                throw new UserError("--as " + fragment + " has a " + section + " section, but the frontend, "
                        + "feature_norm and encoder come from the checkpoint; remove it from the fragment");
            }
        }
        if (!r.path("name").isTextual()) {
            throw new UserError("--as " + fragment + ": needs a name (the run folder's, unless --out)");
        }
        ObjectNode frontend = Json.MAPPER.createObjectNode();
        frontend.put("type", "waveform-cnn");
        frontend.put("channels", layout.channels());
        frontend.put("norm", layout.convNorm());
        frontend.put("conv_bias", layout.convBias());
        r.set("frontend", frontend);
        ObjectNode norm = Json.MAPPER.createObjectNode();
        norm.put("mode", "none");
        r.set("feature_norm", norm);
        ObjectNode encoder = Json.MAPPER.createObjectNode();
        encoder.put("type", "transformer");
        encoder.put("layers", layout.layers());
        encoder.put("dim", layout.dim());
        encoder.put("heads", layout.heads());
        encoder.put("ffn", layout.ffn());
        encoder.put("norm", layout.preNorm() ? "pre" : "post");
        encoder.put("positions", "conv");
        encoder.put("pos_conv_kernel", layout.posKernel());
        encoder.put("pos_conv_groups", layout.posGroups());
        r.set("encoder", encoder);
        if (!r.has("objective")) {
            r.putObject("objective").put("type", "mam");
        }
        if (!r.has("budget")) {
            r.putObject("budget").put("steps", 1);
        }
        return r;
    }

    // ---- sources ----

    static Source torchaudio(Path file, Path config) {
        Path json = config != null ? config : sibling(file, ".json");
        if (!Files.isRegularFile(json)) {
            throw new UserError(file + ": torchaudio weights need their wav2vec2_model(...) arguments as JSON; "
                    + json + " does not exist (give --config FILE)");
        }
        JsonNode args = readJson(json);
        String where = json.toString();
        String mode = args.path("extractor_mode").asText("");
        if (!mode.equals("group_norm") && !mode.equals("layer_norm")) {
            throw new UserError(where + ": extractor_mode must be group_norm or layer_norm, got '" + mode + "'");
        }
        JsonNode conv = args.path("extractor_conv_layer_config");
        int channels = 512;
        if (!conv.isNull() && !conv.isMissingNode()) {
            if (!conv.isArray() || conv.size() != EncoderLayout.KERNELS.size()) {
                throw new UserError(where + ": extractor_conv_layer_config must list wav2vec 2.0's seven "
                        + "[channels, kernel, stride] layers, got " + conv);
            }
            channels = conv.get(0).path(0).asInt();
            for (int i = 0; i < conv.size(); i++) {
                JsonNode l = conv.get(i);
                if (l.path(0).asInt() != channels || l.path(1).asInt() != EncoderLayout.KERNELS.get(i)
                        || l.path(2).asInt() != EncoderLayout.STRIDES.get(i)) {
                    throw new UserError(where + ": extractor_conv_layer_config[" + i + "] is " + l + "; pretext's "
                            + "waveform-cnn has [" + channels + ", " + EncoderLayout.KERNELS.get(i) + ", "
                            + EncoderLayout.STRIDES.get(i) + "] (one width, wav2vec 2.0's kernels and strides)");
                }
            }
        }
        EncoderLayout layout = new EncoderLayout(channels, mode.equals("group_norm") ? "group" : "layer",
                args.path("extractor_conv_bias").asBoolean(false), HuggingFace.required(args, "encoder_num_layers", where),
                HuggingFace.required(args, "encoder_embed_dim", where), HuggingFace.required(args, "encoder_num_heads", where),
                HuggingFace.required(args, "encoder_ff_interm_features", where),
                args.path("encoder_layer_norm_first").asBoolean(false),
                HuggingFace.required(args, "encoder_pos_conv_kernel", where),
                HuggingFace.required(args, "encoder_pos_conv_groups", where));
        checkHeads(layout, where);
        Map<String, Tensor> tensors = SafeTensors.read(file).tensors();
        return match(tensors, layout, Format.TORCHAUDIO, file, "", "wav2vec2");
    }

    static Source huggingface(Path file, Path config) {
        Path weights = Files.isDirectory(file) ? file.resolve(Exporter.HF_WEIGHTS) : file;
        Path json = config != null ? config : weights.toAbsolutePath().resolveSibling(Exporter.HF_CONFIG);
        if (!Files.isRegularFile(json)) {
            throw new UserError(weights + ": a transformers checkpoint needs its config.json beside it; " + json
                    + " does not exist (give --config FILE)");
        }
        JsonNode c = readJson(json);
        EncoderLayout layout = HuggingFace.layout(c, json.toString());
        checkHeads(layout, json.toString());
        // model.safetensors, or a pytorch_model.bin (torch.save's zip of a pickled state dict)
        Map<String, Tensor> tensors = new LinkedHashMap<>(weights.getFileName().toString().endsWith(".bin")
                ? TorchPickle.stateDict(weights) : SafeTensors.read(weights).tensors());
        // Newer transformers store the weight-normed positional convolution as parametrization originals.
        renameIfPresent(tensors, ".encoder.pos_conv_embed.conv.parametrizations.weight.original0", ".encoder.pos_conv_embed.conv.weight_g");
        renameIfPresent(tensors, ".encoder.pos_conv_embed.conv.parametrizations.weight.original1", ".encoder.pos_conv_embed.conv.weight_v");
        String type = c.path("model_type").asText();
        // A model with a head (ForPreTraining, ForCTC) keeps the encoder under "wav2vec2." or "hubert.".
        String prefix = tensors.containsKey(type + ".feature_projection.projection.weight") ? type + "." : "";
        return match(tensors, layout, Format.HUGGINGFACE, weights, prefix, type);
    }

    static Source fairseq(Path file) {
        FairseqCheckpoint ckpt = FairseqCheckpoint.read(file);
        EncoderLayout layout = ckpt.layout();
        checkHeads(layout, file.toString());
        return match(ckpt.tensors(), layout, Format.FAIRSEQ, file, "", ckpt.modelType());
    }

    private static void renameIfPresent(Map<String, Tensor> tensors, String from, String to) {
        for (String key : new ArrayList<>(tensors.keySet())) {
            String k = "." + key;
            if (k.endsWith(from)) {
                String renamed = (k.substring(0, k.length() - from.length()) + to).substring(1);
                tensors.put(renamed, tensors.remove(key).renamed(renamed));
            }
        }
    }

    private static void checkHeads(EncoderLayout layout, String where) {
        if (layout.dim() % layout.heads() != 0) {
            throw new UserError(where + ": " + layout.heads() + " attention heads do not divide the width "
                    + layout.dim());
        }
        if (layout.dim() % layout.posGroups() != 0) {
            throw new UserError(where + ": " + layout.posGroups() + " positional convolution groups do not divide the "
                    + "width " + layout.dim());
        }
    }

    /**
     * Every tensor the layout needs, under this format's names (after {@code prefix}), of the layout's shape; head
     * tensors skipped; anything else refused by name.
     */
    static Source match(Map<String, Tensor> tensors, EncoderLayout layout, Format format, Path file, String prefix,
                        String modelType) {
        Map<String, Tensor> left = new LinkedHashMap<>(tensors);
        Map<String, Tensor> canonical = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : layout.torchaudioShapes().entrySet()) {
            String name = prefix + format.name(e.getKey(), layout);
            Tensor t = left.remove(name);
            if (t == null) {
                throw new UserError(file + ": tensor '" + name + "' is missing; the configuration ("
                        + describe(layout) + ") needs it with shape " + Arrays.toString(e.getValue()));
            }
            if (!t.hasShape(e.getValue())) {
                throw new UserError(file + ": tensor '" + name + "' has shape " + t.shapeText() + " but the "
                        + "configuration (" + describe(layout) + ") says " + Arrays.toString(e.getValue())
                        + "; the checkpoint does not match its configuration");
            }
            canonical.put(e.getKey(), t.renamed(e.getKey()));
        }
        List<String> skipped = new ArrayList<>();
        for (String name : left.keySet()) {
            String bare = name.startsWith(prefix) ? name.substring(prefix.length()) : name;
            if (HEADS.matcher(bare).matches() || HEADS.matcher(name).matches()) {
                skipped.add(name);
            } else {
                throw new UserError(file + ": tensor '" + name + "' does not map to pretext's encoder: it is not part "
                        + "of a " + format.key + " wav2vec 2.0/HuBERT model of this configuration (" + describe(layout)
                        + ") nor a known head; is the format right?");
            }
        }
        return new Source(layout, canonical, skipped, modelType);
    }

    static String describe(EncoderLayout l) {
        return l.layers() + " layers x " + l.dim() + ", FFN " + l.ffn() + ", conv " + l.channels() + " channels with "
                + l.convNorm() + " norm" + (l.convBias() ? " and biases" : "") + ", positions " + l.posKernel() + "/"
                + l.posGroups();
    }

    static JsonNode readJson(Path json) {
        try {
            JsonNode n = Json.MAPPER.readTree(json.toFile());
            if (n == null || !n.isObject()) {
                throw new UserError(json + " is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new UserError(json + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static Path sibling(Path file, String extension) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return file.toAbsolutePath().resolveSibling((dot > 0 ? name.substring(0, dot) : name) + extension);
    }
}
