package dev.pretext.core.run;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.pretext.api.PluginKind;
import dev.pretext.api.RunContext;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.probe.Probe;
import dev.pretext.core.Console;
import dev.pretext.core.Json;
import dev.pretext.core.UserError;
import dev.pretext.core.data.FeaturePipeline;
import dev.pretext.core.data.FeatureStats;
import dev.pretext.core.model.UpstreamModel;
import dev.pretext.core.plugins.ComposedRun;
import dev.pretext.core.plugins.Composer.Composed;
import dev.pretext.core.plugins.PluginRegistry;
import dev.pretext.core.probe.ProbeRunner;
import dev.pretext.core.probe.ProbeTable;
import dev.pretext.core.recipe.ComponentRef;
import dev.pretext.core.recipe.DeviceRequest;
import dev.pretext.core.recipe.LoadedRecipe;
import dev.pretext.core.recipe.Recipe;
import dev.pretext.core.train.Checkpoints;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Probes a finished (or interrupted) run again, on its latest checkpoint: other tasks, other upstreams, without
 * training anything. What {@code pretext probe RUN_DIR} does; results are merged into the run's probes.json.
 */
public final class ProbeRun {
    public static final List<String> UPSTREAMS = List.of("pretrained", "features", "random");

    private ProbeRun() {
    }

    /**
     * Probes a run folder's latest checkpoint.
     *
     * @param tasks     probe types to run (with the recipe's settings where its probes block has them, else their
     *                  defaults); empty for the recipe's own probes block
     * @param upstreams which of {@link #UPSTREAMS} to probe
     * @param seeds     probe seeds; empty for the recipe's own ({@code probes.seeds}, else its run seed)
     * @param device    where to probe ({@code auto}, {@code cpu}, {@code gpu}, {@code gpu:N}); null for the recipe's
     */
    public static ProbeTable execute(Path runDir, List<String> tasks, List<String> upstreams, List<Long> seeds,
                                     String device, PluginRegistry registry, Path cacheDir, Console console) {
        Path recipeFile = runDir.resolve("recipe.yaml");
        if (!Files.isRegularFile(recipeFile)) {
            throw new UserError(runDir + " is not a run folder (no recipe.yaml); give the folder `pretext train` "
                    + "made, e.g. runs/quickstart");
        }
        for (String u : upstreams) {
            if (!UPSTREAMS.contains(u)) {
                throw new UserError("unknown upstream '" + u + "'; choose from " + String.join(", ", UPSTREAMS)
                        + " (features is the run's frontend, e.g. fbank)");
            }
        }
        if (!seeds.isEmpty()) {
            String problem = Recipe.Probes.seedsProblem(seeds);
            if (problem != null) {
                throw new UserError("--seeds: " + problem);
            }
        }
        LoadedRecipe loaded = LoadedRecipe.load(recipeFile);
        if (!tasks.isEmpty()) {
            for (String task : tasks) {
                registry.resolve(PluginKind.PROBE, task, null);     // names the installed tasks when missing
            }
            loaded = new LoadedRecipe(loaded.source(), loaded.recipe(), loaded.train(), loaded.probeData(),
                    loaded.augment(), loaded.frontend(), loaded.encoder(), loaded.objective(),
                    taskRefs(loaded.probes(), tasks));
        }
        if (loaded.probes().isEmpty()) {
            throw new UserError("the run's recipe has no probes block; name tasks with --tasks (installed: "
                    + installed(registry) + ")");
        }
        long seed = loaded.recipe().seed();
        // The device asked for here, else the one the run's recipe asks for (a GPU run probed on a CPU: --device cpu).
        DeviceRequest request;
        try {
            request = device == null ? loaded.recipe().deviceRequest() : DeviceRequest.parse(device);
        } catch (IllegalArgumentException e) {
            throw new UserError("--device: " + e.getMessage());
        }
        Device used = RunDevice.open(request);
        ComposedRun run = ComposedRun.compose(loaded, registry, new RunContext(seed, runDir, cacheDir, used));
        Path checkpoint = new Checkpoints(runDir.resolve("checkpoints"), 1).latest().orElse(null);
        if (upstreams.contains("pretrained") && checkpoint == null) {
            throw new UserError(runDir + " has no checkpoint to probe (checkpoints/ is empty or missing); train or "
                    + "resume the run first, or probe only the baselines with --upstream features,random");
        }
        FeatureStats stats = loadStats(runDir, loaded);
        List<Utterance> probeUtterances = TrainingRun.list(run.probeData(), run.frontend(), seed, console, null);
        FeaturePipeline clean = new FeaturePipeline(run.probeData().instance(), List.of(), List.of(),
                run.frontend().instance(), Double.MAX_VALUE, seed, stats, run.featureCache());
        List<Long> probeSeeds = seeds.isEmpty() ? loaded.probing().seedsOr(seed) : seeds;
        ProbeRunner runner = new ProbeRunner(probeUtterances, clean, loaded.probing().testShare(), probeSeeds,
                console);
        Map<String, Probe> probes = new LinkedHashMap<>();
        for (Composed<Probe> p : run.probes()) {
            probes.put(p.plugin().type(), p.instance());
        }
        runner.supportedTasksHint(() -> supported(registry, run, runner));
        try (NDManager manager = NDManager.newBaseManager(used)) {
            List<ProbeRunner.Upstream> list = new ArrayList<>();
            if (upstreams.contains("features")) {
                list.add(runner.featuresUpstream());
            }
            if (upstreams.contains("random")) {
                UpstreamModel random = run.newModel();
                TrainingRun.initializeAsOnCpu(run, random, manager, seed);
                list.add(runner.encoderUpstream("random", random, manager));
            }
            if (upstreams.contains("pretrained")) {
                UpstreamModel trained = run.model();
                Checkpoints.loadNetwork(checkpoint, trained.initialize(manager, seed), manager);
                console.line("probing " + runDir.relativize(checkpoint));
                list.add(runner.encoderUpstream("pretrained", trained, manager));
            }
            ProbeTable table = runner.run(list, probes);
            return merge(runDir.resolve("probes.json"), table, seed, console);
        }
    }

    /**
     * The probes {@code --tasks} names: a task the recipe's probes block configures keeps its settings and version
     * range (its results replace the recipe's own in probes.json, so they must be the same measurement); any other
     * runs at its defaults.
     */
    static List<ComponentRef> taskRefs(List<ComponentRef> configured, List<String> tasks) {
        List<ComponentRef> refs = new ArrayList<>();
        for (String task : tasks) {
            refs.add(configured.stream().filter(r -> r.type().equals(task)).findFirst()
                    .orElseGet(() -> new ComponentRef(PluginKind.PROBE, "probes.tasks", task, null,
                            JsonNodeFactory.instance.objectNode())));
        }
        return List.copyOf(refs);
    }

    private static String installed(PluginRegistry registry) {
        return String.join(", ", registry.plugins().stream().filter(p -> p.kind() == PluginKind.PROBE)
                .map(p -> p.type()).distinct().sorted().toList());
    }

    /** Installed probe tasks (default settings) that have usable training and test utterances in this data. */
    private static List<String> supported(PluginRegistry registry, ComposedRun run, ProbeRunner runner) {
        List<String> out = new ArrayList<>();
        for (String type : registry.plugins().stream().filter(p -> p.kind() == PluginKind.PROBE)
                .map(p -> p.type()).distinct().sorted().toList()) {
            try {
                Probe probe = run.composer().create(new ComponentRef(PluginKind.PROBE, "probes.tasks", type, null,
                        JsonNodeFactory.instance.objectNode()), Probe.class, run.model().bodyInput()).instance();
                if (runner.usable(probe)) {
                    out.add(type);
                }
            } catch (RuntimeException e) {
                // A probe that cannot even be built with defaults supports nothing here.
            }
        }
        return out;
    }

    private static FeatureStats loadStats(Path runDir, LoadedRecipe loaded) {
        if (loaded.recipe().featureNorm().mode().equals("none")) {
            return null;
        }
        Path file = runDir.resolve("feature_stats.json");
        try {
            return Json.MAPPER.readValue(file.toFile(), FeatureStats.class);
        } catch (IOException e) {
            throw new UserError("the run normalises features globally but " + file + " is missing or unreadable ("
                    + e.getMessage() + "); the run never got past its start: train or resume it first");
        }
    }

    /**
     * Adds the new cells to the run's probes.json, replacing those of the same upstream and task, and computes the
     * overall score again over every task the file then holds. Returns the whole table.
     */
    @SuppressWarnings("unchecked")
    private static ProbeTable merge(Path file, ProbeTable table, long runSeed, Console console) {
        ProbeTable before = new ProbeTable();
        try {
            if (Files.exists(file)) {
                before = ProbeTable.read(Json.MAPPER.readValue(file.toFile(), Map.class), runSeed);
            }
        } catch (IOException | RuntimeException e) {
            // Kept aside, not overwritten: it may hold the only copy of earlier results.
            Path aside = file.resolveSibling(file.getFileName() + ".unreadable");
            try {
                Files.move(file, aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                throw new java.io.UncheckedIOException("cannot move the unreadable " + file + " aside", moveFailed);
            }
            console.line("note: " + file.getFileName() + " could not be read (" + e.getMessage() + "); kept as "
                    + aside.getFileName() + ", and " + file.getFileName() + " holds only the cells probed now");
        }
        ProbeTable merged = before.with(table);
        Map<String, Object> all = merged.json();
        java.util.Set<Object> seedLists = new java.util.LinkedHashSet<>();
        for (Object row : all.values()) {
            if (row instanceof Map<?, ?> cells) {
                for (Object cell : cells.values()) {
                    if (cell instanceof Map<?, ?> c && c.get("value") != null) {
                        // A cell written before probe seeds existed was probed under the run seed.
                        seedLists.add(String.valueOf(c.get("seeds") == null ? "[run seed]" : c.get("seeds")));
                    }
                }
            }
        }
        if (seedLists.size() > 1) {
            console.line("note: " + file.getFileName() + " now holds cells probed under different seeds "
                    + String.join(", ", seedLists.stream().map(String::valueOf).toList()) + "; compare upstreams "
                    + "only under the same seeds (probe them together with --seeds)");
        }
        Json.writeAtomically(file, Json.pretty(all));
        return merged;
    }
}
