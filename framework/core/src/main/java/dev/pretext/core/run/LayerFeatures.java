package dev.pretext.core.run;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.pretext.api.RunContext;
import dev.pretext.api.audio.Features;
import dev.pretext.api.data.Dataset;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.model.FrameFeatures;
import dev.pretext.core.Json;
import dev.pretext.core.UserError;
import dev.pretext.core.data.FeaturePipeline;
import dev.pretext.core.data.FeatureStats;
import dev.pretext.core.model.UpstreamModel;
import dev.pretext.core.plugins.ComposedRun;
import dev.pretext.core.plugins.PluginRegistry;
import dev.pretext.core.recipe.LoadedRecipe;
import dev.pretext.core.train.Checkpoints;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * One hidden layer of a trained run's network as frame features, for audio from any dataset (HuBERT's second
 * iteration clusters these): the run's own frontend and feature statistics, its latest checkpoint, one utterance
 * at a time. Forward passes are serialised; callers on several threads simply queue.
 */
public final class LayerFeatures implements FrameFeatures, AutoCloseable {
    private final NDManager manager;
    private final UpstreamModel model;
    private final FeaturePipeline pipeline;
    private final int layer;
    private final String run;

    public LayerFeatures(Path runDir, int layer, Dataset audio, PluginRegistry registry, Path cacheDir) {
        Path recipe = runDir.resolve("recipe.yaml");
        if (!Files.isRegularFile(recipe)) {
            throw new UserError(runDir + " is not a run folder (no recipe.yaml)");
        }
        LoadedRecipe loaded = LoadedRecipe.load(recipe);
        long seed = loaded.recipe().seed();
        Device device = RunDevice.open(loaded.recipe().deviceRequest());
        this.manager = NDManager.newBaseManager(device);
        ComposedRun composed = ComposedRun.compose(loaded, registry, new RunContext(seed, runDir, cacheDir, device));
        this.model = composed.model();
        int layers = model.encoder().layers();
        if (layer < 0 || layer > layers) {
            manager.close();
            throw new UserError("--layer " + layer + " does not exist: the encoder of " + runDir + " has hidden states "
                    + "0 (its input) to " + layers + " (its last layer)");
        }
        Path checkpoint = new Checkpoints(runDir.resolve("checkpoints"), 1).latest().orElseThrow(() ->
                new UserError(runDir + " has no checkpoint; train it first"));
        Checkpoints.loadNetwork(checkpoint, model.initialize(manager, seed), manager);
        FeatureStats stats = null;
        if (!loaded.recipe().featureNorm().mode().equals("none")) {
            try {
                stats = Json.MAPPER.readValue(runDir.resolve("feature_stats.json").toFile(), FeatureStats.class);
            } catch (IOException e) {
                throw new UserError("cannot read " + runDir.resolve("feature_stats.json") + ": " + e.getMessage());
            }
        }
        this.pipeline = new FeaturePipeline(audio, List.of(), List.of(), composed.frontend().instance(),
                Double.MAX_VALUE, seed, stats, composed.featureCache());
        this.layer = layer;
        this.run = runDir.getFileName().toString();
    }

    @Override
    public synchronized Features of(Utterance utterance) {
        Features f = pipeline.clean(utterance);
        try (NDManager step = manager.newSubManager()) {
            NDArray x = step.create(f.data(), new Shape(1, f.frames(), f.dim()));
            float[] ones = new float[f.frames()];
            Arrays.fill(ones, 1f);
            NDArray valid = step.create(ones, new Shape(1, f.frames()));
            NDArray hidden = model.forward(new ParameterStore(step, false), x, valid, false).output()
                    .hiddenStates().get(layer);
            int frames = (int) hidden.getShape().get(1);
            return new Features(hidden.toFloatArray(), frames, dim());
        }
    }

    @Override
    public int dim() {
        return model.encoder().dim();
    }

    @Override
    public double frameRateHz() {
        return model.bodyInput().frameRateHz();
    }

    @Override
    public String kind() {
        return run + "-layer" + layer;
    }

    @Override
    public void close() {
        manager.close();
    }
}
