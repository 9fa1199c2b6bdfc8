package dev.pretext.core.interop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.pretext.api.RunContext;
import dev.pretext.core.Console;
import dev.pretext.core.Json;
import dev.pretext.core.UserError;
import dev.pretext.core.data.FeatureStats;
import dev.pretext.core.model.UpstreamModel;
import dev.pretext.core.plugins.ComposedRun;
import dev.pretext.core.plugins.PluginRegistry;
import dev.pretext.core.recipe.LoadedRecipe;
import dev.pretext.core.train.Checkpoints;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code pretext export RUN_DIR --format torchaudio|huggingface --out DIR}: the latest checkpoint's network in
 * another library's layout. Everything is written to a temporary folder beside {@code DIR} and renamed into place,
 * so a refusal or failure leaves nothing behind.
 */
public final class Exporter {
    public static final String TORCHAUDIO_WEIGHTS = "wav2vec2_model.safetensors";
    public static final String TORCHAUDIO_ARGS = "wav2vec2_model.json";
    /** A features network: torchaudio's encoder alone. */
    public static final String TORCHAUDIO_ENCODER_WEIGHTS = "wav2vec2_encoder.safetensors";
    public static final String TORCHAUDIO_ENCODER_ARGS = "wav2vec2_encoder.json";
    public static final String FEATURE_STATS = "feature_stats.json";
    public static final String HF_WEIGHTS = "model.safetensors";
    public static final String HF_CONFIG = "config.json";
    public static final String HEADS = "objective_heads.safetensors";
    public static final String REFERENCE = "reference.safetensors";
    public static final String RECORD = "export.json";

    private Exporter() {
    }

    /**
     * Exports a run's network from its latest checkpoint.
     *
     * @param reference a 16 kHz WAV to compute the run's hidden states on, written as {@link #REFERENCE}; or null
     */
    public static Path export(Path runDir, Format format, Path out, boolean withHeads, Path reference,
                              PluginRegistry registry, Path cacheDir, Console console) {
        if (format == Format.FAIRSEQ) {
            throw new UserError("--format fairseq: pretext imports fairseq checkpoints but does not write them "
                    + "(fairseq's .pt is a pickled Python object); export torchaudio or huggingface");
        }
        Path recipeFile = runDir.resolve("recipe.yaml");
        if (!Files.isRegularFile(recipeFile)) {
            throw new UserError(runDir + " is not a run folder (no recipe.yaml); give the folder `pretext train` "
                    + "made, e.g. runs/quickstart");
        }
        if (Files.exists(out) && !isEmptyFolder(out)) {
            throw new UserError("--out " + out + " exists and is not an empty folder; name a new folder");
        }
        LoadedRecipe loaded = LoadedRecipe.load(recipeFile);
        long seed = loaded.recipe().seed();
        ComposedRun run = ComposedRun.compose(loaded, registry, new RunContext(seed, runDir, cacheDir, Device.cpu()));
        RunLayout.Found found = RunLayout.of(run, format);
        EncoderLayout layout = found.layout();
        Path checkpoint = new Checkpoints(runDir.resolve("checkpoints"), 1).latest().orElseThrow(() -> new UserError(
                runDir + " has no checkpoint to export (checkpoints/ is empty or missing); train the run first"));

        Path tmp = out.toAbsolutePath().resolveSibling("." + out.getFileName() + ".export-tmp");
        Path createdParent = Files.isDirectory(tmp.getParent()) ? null : tmp.getParent();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            UpstreamModel model = run.model();
            List<Parameter> params = model.initialize(manager, seed);
            Checkpoints.loadNetwork(checkpoint, params, manager);
            List<String> names = model.parameterNames();
            Map<String, Tensor> pretext = new LinkedHashMap<>();
            for (int i = 0; i < params.size(); i++) {
                String name = PretextNames.canonical(names.get(i));
                NDArray a = params.get(i).getArray();
                pretext.put(name, new Tensor(name, a.getShape().getShape(), a.toFloatArray()));
            }
            Map<String, Tensor> ta = PretextNames.toTorchaudio(pretext, layout);
            Map<String, Tensor> written = new LinkedHashMap<>();
            ta.forEach((n, t) -> {
                String name = format.name(n, layout);
                written.put(name, t.renamed(name));
            });

            deleteTree(tmp);
            Files.createDirectories(tmp);
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "pt");
            meta.put("producer", "pretext export");
            meta.put("run", runDir.getFileName().toString());
            meta.put("checkpoint", checkpoint.getFileName().toString());
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("format", format.key);
            record.put("run", runDir.toAbsolutePath().toString());
            record.put("checkpoint", checkpoint.getFileName().toString());
            record.put("parameters", layout.parameterCount());
            List<String> files = new ArrayList<>();
            FeatureStats stats = null;
            if (format == Format.TORCHAUDIO) {
                String weightsFile = layout.waveform() ? TORCHAUDIO_WEIGHTS : TORCHAUDIO_ENCODER_WEIGHTS;
                String argsFile = layout.waveform() ? TORCHAUDIO_ARGS : TORCHAUDIO_ENCODER_ARGS;
                SafeTensors.write(tmp.resolve(weightsFile), written, meta);
                Files.writeString(tmp.resolve(argsFile), Json.pretty(
                        layout.torchaudioArguments(found.dropout(), found.layerDrop())));
                files.add(weightsFile);
                files.add(argsFile);
                String builder = layout.waveform() ? "torchaudio.models.wav2vec2_model"
                        : "torchaudio.models.wav2vec2.components._get_encoder";
                record.put("load", "model = " + builder + "(**json.load(open('" + argsFile
                        + "'))); model.load_state_dict(safetensors.torch.load_file('" + weightsFile + "'))");
                if (!layout.waveform() && !loaded.recipe().featureNorm().mode().equals("none")) {
                    Path statsFile = runDir.resolve(FEATURE_STATS);
                    try {
                        stats = Json.MAPPER.readValue(statsFile.toFile(), FeatureStats.class);
                    } catch (IOException e) {
                        throw new UserError("the run normalises its features but " + statsFile + " is missing or "
                                + "unreadable (" + e.getMessage() + "); the export needs it beside the weights");
                    }
                    Files.copy(statsFile, tmp.resolve(FEATURE_STATS));
                    files.add(FEATURE_STATS);
                }
            } else {
                String modelType = run.objective().plugin().type().equals("hubert") ? "hubert" : "wav2vec2";
                SafeTensors.write(tmp.resolve(HF_WEIGHTS), written, meta);
                Files.writeString(tmp.resolve(HF_CONFIG), Json.pretty(
                        HuggingFace.config(layout, modelType, found.dropout(), found.layerDrop())));
                files.add(HF_WEIGHTS);
                files.add(HF_CONFIG);
                record.put("load", "model = transformers." + (modelType.equals("hubert") ? "HubertModel"
                        : "Wav2Vec2Model") + ".from_pretrained(DIR)");
            }
            record.put("input", layout.waveform() ? "16 kHz mono waveform, unnormalised (the run used feature_norm: "
                    + "none)" : "[frames, " + layout.channels() + "] features of the run's frontend ("
                    + run.frontend().plugin().type() + ")" + (stats == null ? "" : ", normalised per bin with "
                    + FEATURE_STATS + ": (x - mean) / std"));
            record.put("hidden_states", "torchaudio: extract_features() gives layers 1..L; pretext's hidden state L "
                    + (layout.preNorm() ? "is after the encoder's final LayerNorm (encoder.transformer.layer_norm), "
                    + "which extract_features() leaves out and forward() applies" : "equals extract_features()'s last"));
            // The objective's own parameters follow the network's in the checkpoint.
            int heads = headsOf(checkpoint, params.size(), manager, run, withHeads ? tmp.resolve(HEADS) : null, meta);
            String objective = run.objective().plugin().type();
            if (heads == 0) {
                record.put("objective_heads", "none: objective " + objective + " has no parameters of its own");
            } else if (withHeads) {
                files.add(HEADS);
                record.put("objective_heads", heads + " tensors of objective " + objective + " in " + HEADS
                        + ", under pretext's names: " + format.key + " has no place for them");
            } else {
                record.put("objective_heads", "left out: " + heads + " tensors of objective " + objective
                        + " (--with-heads writes them to " + HEADS + ")");
            }
            if (reference != null) {
                float[] samples = Reference.readWav(reference);
                Map<String, Tensor> ref = Reference.compute(model, run.frontend().instance(), stats, samples, manager);
                SafeTensors.write(tmp.resolve(REFERENCE), ref, Map.of("source", reference.getFileName().toString()));
                files.add(REFERENCE);
            }
            record.put("files", files);
            record.put("mapping", PretextNames.mapping(layout).entrySet().stream().collect(
                    java.util.stream.Collectors.toMap(Map.Entry::getKey,
                            e -> e.getValue().stream().map(n -> format.name(n, layout)).toList(),
                            (a, b) -> a, LinkedHashMap::new)));
            Files.writeString(tmp.resolve(RECORD), Json.pretty(record));
            if (Files.exists(out)) {
                Files.delete(out);
            }
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.move(tmp, out);
            console.line("exported " + runDir.getFileName() + " (" + checkpoint.getFileName() + ", "
                    + layout.parameterCount() + " parameters, " + layout.layers() + " x " + layout.dim() + ", "
                    + (layout.preNorm() ? "pre" : "post") + "-LN) as " + format.key + " to " + out);
            console.line("  " + String.join(", ", files) + ", " + RECORD);
            console.line("  objective heads: " + record.get("objective_heads"));
            return out;
        } catch (IOException e) {
            Importer.cleanUp(tmp, createdParent);
            throw new UserError("cannot write the export to " + out + ": " + e.getMessage());
        } catch (RuntimeException e) {
            Importer.cleanUp(tmp, createdParent);
            throw e;
        }
    }

    private static int headsOf(Path checkpoint, int network, NDManager manager, ComposedRun run, Path file,
                               Map<String, String> meta) throws IOException {
        byte[] bytes = Files.readAllBytes(checkpoint.resolve(Checkpoints.MODEL));
        try (NDManager tmp = manager.newSubManager()) {
            NDList arrays = NDList.decode(tmp, bytes);
            int heads = arrays.size() - network;
            if (heads <= 0 || file == null) {
                return Math.max(heads, 0);
            }
            List<String> names = new ArrayList<>(run.objective().instance().block().getParameters().keys());
            String type = run.objective().plugin().type();
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (int i = 0; i < heads; i++) {
                NDArray a = arrays.get(network + i);
                String name = "objective." + type + "." + (names.size() == heads
                        ? names.get(i).replaceAll("(^|_)\\d\\d(?=[a-z])", "$1") : Integer.toString(i));
                out.put(name, new Tensor(name, a.getShape().getShape(), a.toFloatArray()));
            }
            SafeTensors.write(file, out, meta);
            return heads;
        }
    }

    private static boolean isEmptyFolder(Path p) {
        if (!Files.isDirectory(p)) {
            return false;
        }
        try (var s = Files.list(p)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
