package dev.pretext.core.run;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pretext.api.RunContext;
import dev.pretext.api.data.FeatureAugmentation;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.probe.Probe;
import dev.pretext.core.Console;
import dev.pretext.core.Json;
import dev.pretext.core.UserError;
import dev.pretext.core.data.BatchPlanner;
import dev.pretext.core.data.DataSelection;
import dev.pretext.core.data.FeatureCache;
import dev.pretext.core.data.FeaturePipeline;
import dev.pretext.core.data.FeatureStats;
import dev.pretext.core.data.ShortUtterances;
import dev.pretext.core.model.UpstreamModel;
import dev.pretext.core.plugins.ComposedRun;
import dev.pretext.core.plugins.Composer.Composed;
import dev.pretext.core.plugins.PluginRegistry;
import dev.pretext.core.probe.ProbeRunner;
import dev.pretext.core.probe.ProbeTable;
import dev.pretext.core.recipe.ConfigBinder;
import dev.pretext.core.recipe.DeviceRequest;
import dev.pretext.core.recipe.LoadedRecipe;
import dev.pretext.core.recipe.LocatedYaml;
import dev.pretext.core.recipe.Recipe;
import dev.pretext.core.train.Trainer;
import dev.pretext.core.train.TrainingState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One pre-training run from recipe to report: compose, write the run folder, train under the budget (or
 * resume), probe the pre-trained encoder beside the baselines, write {@code probes.json} and {@code report.md}.
 */
public final class TrainingRun {
    /**
     * Where a run goes and how it starts.
     *
     * @param runDir    the run folder (usually runs/NAME)
     * @param cacheDir  shared cache for synthesised corpora and the like
     * @param resume    continue from the run folder's latest checkpoint
     * @param fresh     delete an existing run folder first
     * @param sourceDir the source checkout, for the manifest's git revision (may be null)
     */
    public record Options(Path runDir, Path cacheDir, boolean resume, boolean fresh, Path sourceDir) {
    }

    public record Result(Path runDir, Trainer.Outcome outcome, ProbeTable probes) {
    }

    private TrainingRun() {
    }

    /**
     * Builds every component without running anything: what {@code pretext recipe check} does. The device is
     * checked for its form only: the machine that checks a recipe need not be the one that trains it.
     */
    public static ComposedRun check(LoadedRecipe recipe, PluginRegistry registry, Path runDir, Path cacheDir) {
        return ComposedRun.compose(recipe, registry, new RunContext(recipe.recipe().seed(), runDir, cacheDir,
                Device.cpu()));
    }

    public static Result execute(LoadedRecipe recipe, PluginRegistry registry, Options options, Console console) {
        Path runDir = options.runDir();
        // The device first: a GPU asked for where none can be used is a one-line error before anything else.
        DeviceRequest asked = recipe.recipe().deviceRequest();
        Device device = RunDevice.open(asked);
        ComposedRun run = ComposedRun.compose(recipe, registry,
                new RunContext(recipe.recipe().seed(), runDir, options.cacheDir(), device));
        String memory = dev.pretext.core.plan.MemoryPlan.check(run);
        // Only a recipe that composes and fits makes (or, with --force, replaces) the run folder.
        prepareFolder(runDir, options);
        writeRecipe(run, runDir, options.resume(), console);
        Manifest manifest = Manifest.describe(runDir.resolve("manifest.json"), run, options.sourceDir(),
                RunDevice.manifestEntry(asked, device, RunDevice.probe()));
        if (options.resume()) {
            Manifest previous = Manifest.load(runDir.resolve("manifest.json"));
            String before = previous.content().device();
            if (before != null && !before.equals(RunDevice.describe(device))) {
                console.line("this run trained on " + before + " and resumes on " + RunDevice.describe(device)
                        + ": it continues from the checkpoint's exact weights, optimiser state and data position, "
                        + "but later steps round differently (and libtorch's own random draws, e.g. dropout, differ) "
                        + "from an uninterrupted run on " + before + "; manifest.json keeps device_history");
            }
            previous.merge(manifest);
            manifest = previous;
        }
        manifest.write();

        Recipe r = run.recipe();
        List<Utterance> trainUtterances = list(run.train(), run.frontend(), recipe.recipe().seed(), console, manifest);
        if (memory != null) {
            // The recipe's bound did not fit: check the data's real batches before anything trains.
            checkMemory(run, trainUtterances, runDir, options);
        }
        prepare(run, trainUtterances, null, false, console);
        checkObjective(run, trainUtterances);
        // The probe data is listed (and its problems reported) before training, not after it.
        List<Utterance> probeUtterances = run.probes().isEmpty() ? List.of()
                : run.probesTrainData() ? trainUtterances
                : list(run.probeData(), run.frontend(), recipe.recipe().seed(), console, manifest);
        console.line(String.format(Locale.ROOT, "run %s: %d training utterances (%.2f h), encoder %s, objective %s",
                r.name(), trainUtterances.size(), hours(trainUtterances), run.encoder().plugin().type(),
                run.objective().plugin().type()));
        FeatureCache cache = run.featureCache();
        if (cache != null) {
            console.line("feature cache: " + cache.dir());
        }
        FeatureStats stats = featureStats(run, trainUtterances, runDir, options.resume(), cache, console);
        FeaturePipeline trainPipeline = new FeaturePipeline(run.train().instance(), run.waveformAugmentations(),
                run.featureAugmentations(), run.frontend().instance(), r.batch().maxUtteranceSeconds(), r.seed(),
                stats, cache);
        BatchPlanner planner = new BatchPlanner(trainUtterances, r.batch().seconds(), r.batch().maxUtteranceSeconds(),
                r.seed());

        if (device.isGpu()) {
            console.line("device: " + RunDevice.describe(device) + " (asked: " + asked + ")");
        }
        try (NDManager manager = NDManager.newBaseManager(device)) {
            UpstreamModel model = run.model();
            Trainer trainer = new Trainer(new Trainer.Setup(model, run.objective().instance(), planner,
                    trainPipeline, r, runDir, console, cpu -> Trainer.initialize(run.newModel(),
                    run.composer().recreate(run.objective(), dev.pretext.api.model.Objective.class,
                            run.frontend().instance().spec()), cpu, r.seed())));
            Trainer.Outcome outcome = trainer.train(manager, options.resume());

            FeatureCache.Stats c = outcome.featureCache();
            TrainingState s = outcome.state();
            RunManifest.Training training = new RunManifest.Training(s.step(), outcome.stopReason(), s.flops(),
                    r.budget().flopsLimit(), s.flopsByComponent(), s.trainSeconds(), outcome.dataWaitSeconds(),
                    s.trainSeconds() > 0 ? outcome.dataWaitSeconds() / s.trainSeconds() : 0,
                    r.batch().loaderThreads(), outcome.loaderRealTimePerThread(),
                    outcome.loaderUtterancesPerThreadSecond(), c == null ? null : new RunManifest.FeatureCacheUse(
                            cache.dir().toString(), c.hits(), c.misses(), c.bypassed(), c.damaged(), c.writeFailures()),
                    outcome.lastLoss(), runDir.relativize(outcome.checkpoint()).toString());
            // The network's size, for sweeps and reports (the objective's heads are not part of it).
            java.util.OptionalLong parameters = model.plannedParameters();
            double unique = planner.totalSeconds();
            // The augmentation mix as configured (types, probabilities and ranges), in the order applied:
            // waveform ones, then feature ones.
            @SuppressWarnings("unchecked")
            List<RunManifest.Augmentation> mix = run.augmentationsInOrder().stream()
                    .map(a -> new RunManifest.Augmentation(a.plugin().type(),
                            a.instance() instanceof FeatureAugmentation ? "features" : "waveform", a.ref().path(),
                            (Map<String, Object>) ConfigBinder.MAPPER.convertValue(a.config(), Map.class)))
                    .toList();
            RunManifest.DataSummary data = new RunManifest.DataSummary(trainUtterances.size(), unique / 3600,
                    s.audioSeconds() / 3600, unique > 0 ? s.audioSeconds() / unique : 0,
                    s.paddedSeconds() > 0 ? 1 - s.audioSeconds() / s.paddedSeconds() : 0, mix);
            manifest.update(m -> m.withTraining(training, parameters.isPresent() ? parameters.getAsLong() : null,
                    data));
            manifest.write();

            ProbeTable table = null;
            if (!run.probes().isEmpty()) {
                long p0 = System.nanoTime();
                table = probe(run, probeUtterances, model, stats, cache, manager, console);
                Json.writeAtomically(runDir.resolve("probes.json"), Json.pretty(table.json()));
                // Features, representations and heads: what probing cost this run, beside train_seconds.
                double probing = (System.nanoTime() - p0) / 1e9;
                manifest.update(m -> m.withProbeWallSeconds(probing));
                manifest.write();
            }
            Report.write(runDir.resolve("report.md"), run, manifest, outcome, table);
            return new Result(runDir, outcome, table);
        }
    }

    /** Probes the trained encoder and the recipe's baselines on the probe data. */
    static ProbeTable probe(ComposedRun run, List<Utterance> probeUtterances, UpstreamModel trained,
                            FeatureStats stats, FeatureCache cache, NDManager manager, Console console) {
        Recipe r = run.recipe();
        Recipe.Probes probing = run.loaded().probing();
        FeaturePipeline clean = new FeaturePipeline(run.probeData().instance(), List.of(), List.of(),
                run.frontend().instance(), Double.MAX_VALUE, r.seed(), stats, cache);
        ProbeRunner runner = new ProbeRunner(probeUtterances, clean, probing.testShare(),
                probing.seedsOr(r.seed()), console);
        List<ProbeRunner.Upstream> upstreams = new ArrayList<>();
        if (probing.baselines().contains("features")) {
            upstreams.add(runner.featuresUpstream());
        }
        if (probing.baselines().contains("random")) {
            UpstreamModel random = run.newModel();
            // The same initial weights the pre-trained network started from.
            initializeAsOnCpu(run, random, manager, r.seed());
            upstreams.add(runner.encoderUpstream("random", random, manager));
        }
        upstreams.add(runner.encoderUpstream("pretrained", trained, manager));
        Map<String, Probe> probes = new LinkedHashMap<>();
        for (Composed<Probe> p : run.probes()) {
            probes.put(p.plugin().type(), p.instance());
        }
        return runner.run(upstreams, probes);
    }

    /**
     * Initialises a network from the seed with the weights the CPU draws, whatever the manager's device, so that
     * the random baseline is the same network on every device (as the trainer's start is).
     */
    static void initializeAsOnCpu(ComposedRun run, UpstreamModel model, NDManager manager, long seed) {
        List<ai.djl.nn.Parameter> params = model.initialize(manager, seed);
        if (!manager.getDevice().equals(Device.cpu())) {
            Trainer.copyCpuWeights(params, cpu -> run.newModel().initialize(cpu, seed));
        }
    }

    /**
     * Global feature statistics from the training data, or null when the recipe asks for none. Written to the
     * run folder and read back on resume, so a resumed run normalises exactly as it started.
     */
    static FeatureStats featureStats(ComposedRun run, List<Utterance> train, Path runDir, boolean resume,
                                     FeatureCache cache, Console console) {
        Recipe.FeatureNorm norm = run.recipe().featureNorm();
        if (norm.mode().equals("none")) {
            return null;
        }
        Path file = runDir.resolve("feature_stats.json");
        try {
            if (resume && Files.exists(file)) {
                return Json.MAPPER.readValue(file.toFile(), FeatureStats.class);
            }
        } catch (IOException e) {
            throw new UserError("cannot read " + file + " (" + e.getMessage() + "); delete it to recompute it");
        }
        FeaturePipeline raw = new FeaturePipeline(run.train().instance(), List.of(), List.of(),
                run.frontend().instance(), Double.MAX_VALUE, run.recipe().seed(), null, cache);
        long t0 = System.nanoTime();
        FeatureStats stats = FeatureStats.estimate(train, raw::raw, norm.utterances(), run.recipe().seed());
        console.line(String.format(Locale.ROOT, "feature statistics from %d utterances (%d frames) in %.1fs",
                stats.utterances(), stats.frames(), (System.nanoTime() - t0) / 1e9));
        Json.writeAtomically(file, Json.pretty(stats));
        return stats;
    }

    private static void prepareFolder(Path runDir, Options options) {
        Path runs = runDir.getParent();
        if (runs != null && Files.exists(runs) && !Files.isDirectory(runs)) {
            throw new UserError("cannot make the run folder " + runDir + ": " + runs + " is a file, not a folder; "
                    + "give a folder with --runs DIR");
        }
        try {
            if (options.resume()) {
                if (!Files.isDirectory(runDir.resolve("checkpoints"))) {
                    throw new UserError("cannot resume: " + runDir + " has no checkpoints/ folder; start the run "
                            + "without --resume");
                }
                checkWritable(runDir);
                return;
            }
            if (Files.exists(runDir)) {
                if (!options.fresh()) {
                    throw new UserError("run folder " + runDir + " already exists; continue it with --resume " + runDir
                            + ", or start over with --force (deletes it)");
                }
                try (var walk = Files.walk(runDir)) {
                    for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(runDir);
            checkWritable(runDir);
        } catch (IOException e) {
            dev.pretext.core.FileProblem problem = dev.pretext.core.FileProblem.of(e);
            if (problem == null) {
                throw new UncheckedIOException("cannot prepare run folder " + runDir, e);
            }
            String todo = problem.todo().startsWith("free") ? problem.todo() + " and try again"
                    : options.resume() ? "copy the run folder somewhere writable and resume from the copy"
                    : problem.todo() + " (--runs DIR)";
            Path at = e instanceof java.nio.file.FileSystemException f && f.getFile() != null ? Path.of(f.getFile())
                    : runDir;
            throw new UserError("cannot " + (options.resume() ? "write to" : "make") + " the run folder " + runDir
                    + ": " + problem.what() + (at.startsWith(runDir) ? "" : " (at " + at + ")") + "; " + todo);
        }
    }

    /** Refuses batches that cannot fit; a run folder made for this attempt only is removed again. */
    private static void checkMemory(ComposedRun run, List<Utterance> train, Path runDir, Options options) {
        Recipe r = run.recipe();
        try {
            dev.pretext.core.plan.MemoryPlan.check(run, new BatchPlanner(train, r.batch().seconds(),
                    r.batch().maxUtteranceSeconds(), r.seed()));
        } catch (UserError e) {
            if (!options.resume()) {
                try (var walk = Files.walk(runDir)) {
                    for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                } catch (IOException ignored) {
                    // Left as it is: the message below still says what to change.
                }
            }
            throw e;
        }
    }

    /** Writes and deletes a probe file, so a read-only or full folder is found before training, not after. */
    private static void checkWritable(Path runDir) throws IOException {
        Path probe = Files.createTempFile(runDir, ".write-check-", ".tmp");
        try {
            Files.write(probe, new byte[4096]);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    private static void writeRecipe(ComposedRun run, Path runDir, boolean resume, Console console) {
        String yaml;
        try {
            yaml = ConfigBinder.YAML_WRITER.writeValueAsString(run.resolvedRecipe());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Path file = runDir.resolve("recipe.yaml");
        if (resume && Files.exists(file)) {
            try {
                String recorded = Files.readString(file);
                if (!recorded.equals(yaml) && sameExceptCache(recorded, yaml)) {
                    // Only data.feature_cache changed, which changes no number, or probes.seeds now says the
                    // default: record the recipe as it is now.
                    Json.writeAtomically(file, yaml);
                    return;
                }
                if (!recorded.equals(yaml) && sameExceptProbes(recorded, yaml)) {
                    // Probing reads the trained encoder and changes nothing in training: resume trains exactly as
                    // recorded (a finished run takes no step) and probes under the new block.
                    Optional<Path> aside = setProbeResultsAside(runDir);
                    console.line("the probes block differs from the one this run was started with: training goes on "
                            + "as recorded and the encoder is probed under the new block"
                            + aside.map(a -> " (the earlier probe results are kept in " + runDir.relativize(a) + ")")
                                    .orElse(""));
                    Json.writeAtomically(file, yaml);
                    return;
                }
                if (!recorded.equals(yaml)) {
                    throw new UserError("cannot resume " + runDir + ": the recipe differs from the one the run was "
                            + "started with (" + firstDifference(recorded, yaml) + "); resume with the same recipe, "
                            + "e.g. " + file);
                }
                return;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Json.writeAtomically(file, yaml);
    }

    /**
     * Whether two resolved recipes differ at most in {@code data.feature_cache}. A recipe recorded before
     * {@code probes.seeds} existed probed with the run seed alone, which is what the key now says explicitly.
     */
    static boolean sameExceptCache(String recordedYaml, String currentYaml) {
        return sameWithout(recordedYaml, currentYaml, root -> {
            if (root.get("probes") instanceof ObjectNode probes && !probes.has("seeds") && root.has("seed")) {
                probes.putArray("seeds").add(root.get("seed").asLong());
            }
        });
    }

    /**
     * Whether two recipes differ in nothing but their {@code probes} block (and the cache switch): a run's trained
     * encoder is then the same, and only its probing needs doing again.
     */
    public static boolean sameExceptProbes(String recordedYaml, String currentYaml) {
        return sameWithout(recordedYaml, currentYaml, root -> root.remove("probes"));
    }

    /** Both recipes parsed, {@code data.feature_cache} dropped and {@code adjust} applied to each root, then equal. */
    private static boolean sameWithout(String recordedYaml, String currentYaml,
                                       java.util.function.Consumer<ObjectNode> adjust) {
        try {
            JsonNode a = LocatedYaml.read(Path.of("recipe.yaml"), recordedYaml).root();
            JsonNode b = LocatedYaml.read(Path.of("recipe.yaml"), currentYaml).root();
            for (JsonNode n : List.of(a, b)) {
                if (n.get("data") instanceof ObjectNode data) {
                    data.remove(ComposedRun.CACHE_KEY);
                }
                if (n instanceof ObjectNode root) {
                    // The device may change between starts (a GPU run resumed on a CPU); the manifest records it.
                    root.remove("device");
                }
                if (n instanceof ObjectNode root) {
                    adjust.accept(root);
                }
            }
            return a.equals(b);
        } catch (UserError e) {
            return false;
        }
    }

    /**
     * Moves a run's probe results ({@code probes.json}, {@code report.md}) into {@code replaced/UTC-TIME/} with a
     * copy of the recipe they were made under, so that probing again loses nothing. Empty when there were none.
     */
    public static Optional<Path> setProbeResultsAside(Path runDir) {
        List<Path> results = new ArrayList<>();
        for (String name : List.of("probes.json", "report.md")) {
            if (Files.isRegularFile(runDir.resolve(name))) {
                results.add(runDir.resolve(name));
            }
        }
        if (results.isEmpty()) {
            return Optional.empty();
        }
        String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC));
        Path aside = runDir.resolve("replaced").resolve(stamp);
        try {
            Files.createDirectories(aside);
            if (Files.isRegularFile(runDir.resolve("recipe.yaml"))) {
                Files.copy(runDir.resolve("recipe.yaml"), aside.resolve("recipe.yaml"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            // report.md last: while it is still in place the run counts as finished.
            for (Path result : results) {
                Files.move(result, aside.resolve(result.getFileName()), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not set the earlier probe results of " + runDir + " aside in "
                    + aside, e);
        }
        return Optional.of(aside);
    }

    private static String firstDifference(String a, String b) {
        String[] la = a.split("\n", -1);
        String[] lb = b.split("\n", -1);
        for (int i = 0; i < Math.max(la.length, lb.length); i++) {
            String x = i < la.length ? la[i].trim() : "";
            String y = i < lb.length ? lb[i].trim() : "";
            if (!x.equals(y)) {
                return "line " + (i + 1) + ": recorded '" + x + "', now '" + y + "'";
            }
        }
        return "whitespace only";
    }

    /**
     * Runs the objective's preparation (e.g. HuBERT's targets) when it is not done yet, or always with
     * {@code again}. Returns whether it ran.
     */
    public static boolean prepare(ComposedRun run, List<Utterance> training, dev.pretext.api.model.FrameFeatures frames,
                                  boolean again, Console console) {
        dev.pretext.api.model.Preparation preparation = run.objective().instance().preparation().orElse(null);
        if (preparation == null || (preparation.done() && !again)) {
            return false;
        }
        console.line("preparing the objective: " + preparation.describe()
                + (frames != null ? " from " + frames.kind() : ""));
        long t0 = System.nanoTime();
        try {
            preparation.run(training, run.train().instance(), frames, console::line);
        } catch (IOException e) {
            throw new UserError("preparing " + run.objective().ref().path() + " failed: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw run.loaded().source().error(run.objective().ref().path(), e.getMessage(), null);
        }
        console.line(String.format(Locale.ROOT, "prepared in %.1f s", (System.nanoTime() - t0) / 1e9));
        return true;
    }

    /** The objective's own check of the network and the training data, as a recipe error at {@code objective}. */
    public static void checkObjective(ComposedRun run, List<Utterance> training) {
        try {
            run.objective().instance().check(run.model().shape(), training);
        } catch (IllegalArgumentException e) {
            throw run.loaded().source().error(run.objective().ref().path(), e.getMessage(), null);
        }
    }

    /** Every utterance of a dataset, or a user error saying why there are none. */
    public static List<Utterance> list(Composed<dev.pretext.api.data.Dataset> dataset, long seed) {
        return list(dataset, null, seed, Console.quiet(), null);
    }

    /** {@link #list(Composed, Composed, long, Console, Manifest)} without the frontend's length check. */
    public static List<Utterance> list(Composed<dev.pretext.api.data.Dataset> dataset, long seed, Console console,
                                       Manifest manifest) {
        return list(dataset, null, seed, console, manifest);
    }

    /**
     * Every utterance of a dataset that its {@code split} and {@code hours} keep; files the dataset skipped, and
     * utterances too short for the frontend to make a frame of, are reported on the console and, when a manifest
     * is given, recorded in it under {@code data_problems} and written at once (so a run refused here keeps them).
     *
     * @param frontend the run's frontend, whose shortest input is checked; null checks nothing
     * @throws UserError when the dataset refuses (e.g. {@code on_bad_audio: fail}), is empty, or the selection
     *                   leaves nothing
     */
    public static List<Utterance> list(Composed<dev.pretext.api.data.Dataset> dataset,
                                       Composed<dev.pretext.api.model.Frontend> frontend, long seed, Console console,
                                       Manifest manifest) {
        String where = dataset.ref().path() + " (" + dataset.plugin().type() + ")";
        List<Utterance> utts;
        try {
            utts = dataset.instance().utterances();
        } catch (IOException e) {
            throw new UserError("cannot list " + where + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            // A refusal (on_bad_audio: fail): what the dataset found still goes into the manifest.
            try {
                record(dataset, dataset.instance().skipped(), manifest);
            } catch (RuntimeException ignored) {
                // A dataset that cannot say what it skipped has said it in the message.
            }
            throw new UserError(where + ": " + e.getMessage());
        }
        List<dev.pretext.api.data.SkippedFile> skipped = new ArrayList<>(dataset.instance().skipped());
        if (frontend != null) {
            ShortUtterances.Split split = ShortUtterances.split(utts, frontend.instance(), frontend.plugin().type());
            utts = split.kept();
            skipped.addAll(split.leftOut());
        }
        if (!skipped.isEmpty()) {
            console.line(String.format(Locale.ROOT, "%s: %d file(s) left out, e.g. %s", where, skipped.size(),
                    skipped.get(0)));
            record(dataset, skipped, manifest);
        }
        if (utts.isEmpty()) {
            throw new UserError(where + " has no utterances" + (skipped.isEmpty() ? "" : " (all " + skipped.size()
                    + " files were left out, e.g. " + skipped.get(0) + ")") + "; check its folder or settings");
        }
        DataSelection selection = dataset.ref().selection();
        if (selection.all()) {
            return utts;
        }
        try {
            List<Utterance> kept = selection.apply(utts, seed);
            console.line(String.format(Locale.ROOT, "%s: %s keeps %d of %d utterances (%.2f of %.2f h)", where,
                    selection.describe(), kept.size(), utts.size(), hours(kept), hours(utts)));
            return kept;
        } catch (IllegalArgumentException e) {
            throw new UserError(where + ": " + e.getMessage());
        }
    }

    /** How many files shows in the manifest (and so in the report); the count is always exact. */
    static final int RECORDED_PROBLEMS = 200;

    /** The dataset's left-out files under {@code data_problems}, written at once. */
    private static void record(Composed<dev.pretext.api.data.Dataset> dataset,
                               List<dev.pretext.api.data.SkippedFile> skipped, Manifest manifest) {
        if (manifest == null || skipped.isEmpty()) {
            return;
        }
        RunManifest.DataProblems problems = new RunManifest.DataProblems(skipped.size(),
                skipped.stream().limit(RECORDED_PROBLEMS).map(Object::toString).toList());
        manifest.update(m -> m.withDataProblems(dataset.ref().path(), problems));
        manifest.write();
    }

    static double hours(List<Utterance> utterances) {
        return utterances.stream().mapToDouble(Utterance::seconds).sum() / 3600;
    }
}
