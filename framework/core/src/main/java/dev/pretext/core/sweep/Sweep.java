package dev.pretext.core.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pretext.api.data.Utterance;
import dev.pretext.core.Console;
import dev.pretext.core.Json;
import dev.pretext.core.UserError;
import dev.pretext.core.plan.BudgetPlan;
import dev.pretext.core.plugins.ComposedRun;
import dev.pretext.core.plugins.PluginRegistry;
import dev.pretext.core.recipe.ConfigBinder;
import dev.pretext.core.recipe.LoadedRecipe;
import dev.pretext.core.recipe.LocatedYaml;
import dev.pretext.core.recipe.RecipeError;
import dev.pretext.core.run.TrainingRun;
import dev.pretext.core.train.Checkpoints;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sweep on disk: {@code SWEEPS/NAME/} holds the sweep file and base recipe as given ({@code sweep.yaml},
 * {@code base.yaml}), every run's recipe ({@code recipes/RUN.yaml}), the run folders ({@code runs/RUN/}), their
 * console logs ({@code logs/RUN.log}), the reasons of failed runs ({@code failed/RUN.txt}) and the results
 * ({@code results.jsonl}, {@code results.csv}). Everything a later invocation needs is read back from these
 * files, so a sweep killed at any moment continues where it stopped.
 */
public final class Sweep {
    /** One run with everything decided before anything trains. */
    public record Run(SweepPlan.PlannedRun plan, String recipeText, Path recipeFile, Path runDir,
                      List<String> baselines, Map<String, String> baselineOwners, Map<String, String> baselineKeys,
                      ComposedRun composed) {
        public String name() {
            return plan.name();
        }
    }

    /** Where a run stands, read from its files. */
    public enum State { FINISHED, FAILED, INTERRUPTED, NOT_STARTED }

    /** Where the owners of the shared baselines are kept, so that a later invocation keeps them. */
    private static final String OWNERS = "baseline-owners.json";

    private final SweepFile file;
    private final Path dir;
    private List<Run> runs;
    /** Baseline key to the run that probes it. */
    private Map<String, String> owners;
    /**
     * Runs handed to the executor and not yet ended: a failed run's baselines are not handed on to them, since
     * they may have read their recipes already (only a parallel executor has any while another run ends).
     */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    private Sweep(SweepFile file, Path dir, List<Run> runs) {
        this.file = file;
        this.dir = dir;
        this.runs = runs;
    }

    public SweepFile file() {
        return file;
    }

    public Path dir() {
        return dir;
    }

    public List<Run> runs() {
        return runs;
    }

    /**
     * Expands the sweep and composes every run with the plugins, so that any mistake is found, at the sweep file's
     * line (or the base recipe's), before anything trains. Writes nothing.
     *
     * @param sweepsDir where sweep folders go; this sweep's is {@code sweepsDir/NAME}
     */
    public static Sweep plan(SweepFile file, Path sweepsDir, PluginRegistry registry, Path cacheDir) {
        LocatedYaml base;
        try {
            base = LocatedYaml.read(file.base(), Files.readString(file.base(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UserError("cannot read the base recipe " + file.base() + ": " + e.getMessage());
        }
        Path dir = sweepsDir.toAbsolutePath().resolve(file.name());
        List<SweepPlan.PlannedRun> planned = SweepPlan.expand(file, base);
        List<ComposedRun> composed = new ArrayList<>();
        List<ObjectNode> resolved = new ArrayList<>();
        for (SweepPlan.PlannedRun p : planned) {
            ComposedRun run = compose(file, base, p, dir, registry, cacheDir);
            composed.add(run);
            resolved.add(run.resolvedRecipe());
        }
        // Baselines that cannot differ between runs are probed once, by one run (BaselineOwners says which).
        List<Map<String, String>> keys = new ArrayList<>();
        for (int i = 0; i < planned.size(); i++) {
            Map<String, String> k = new LinkedHashMap<>();
            for (JsonNode b : resolved.get(i).path("probes").path("baselines")) {
                k.put(b.asText(), b.asText() + ":" + BaselineKey.of(resolved.get(i), b.asText()));
            }
            keys.add(k);
        }
        Sweep sweep = new Sweep(file, dir, List.of());
        sweep.runs = sweep.withOwners(planned, composed, keys, readOwners(dir));
        return sweep;
    }

    /** The runs, with their recipes, when {@link #owners} probe the shared baselines. */
    private List<Run> withOwners(List<SweepPlan.PlannedRun> planned, List<ComposedRun> composed,
                                 List<Map<String, String>> keys, Map<String, String> recorded) {
        List<String> names = planned.stream().map(SweepPlan.PlannedRun::name).toList();
        owners = BaselineOwners.assign(names, keys.stream().map(Map::values).toList(), recorded,
                name -> Files.isRegularFile(failedFile(name)),
                name -> inFlight.contains(name) || Files.isRegularFile(runDir(name).resolve("report.md"))
                        || hasCheckpoint(runDir(name)));
        List<Run> out = new ArrayList<>();
        for (int i = 0; i < planned.size(); i++) {
            SweepPlan.PlannedRun p = planned.get(i);
            ObjectNode recipe = p.recipe().deepCopy();
            List<String> own = new ArrayList<>();
            Map<String, String> ownerOf = new LinkedHashMap<>();
            keys.get(i).forEach((b, key) -> {
                ownerOf.put(b, owners.get(key));
                if (owners.get(key).equals(p.name())) {
                    own.add(b);
                }
            });
            if (!composed.get(i).probes().isEmpty()) {
                ObjectNode probes = recipe.get("probes") instanceof ObjectNode o ? o : recipe.putObject("probes");
                ArrayNode list = probes.putArray("baselines");
                own.forEach(list::add);
            }
            String text = recipeText(file, p, recipe);
            out.add(new Run(p, text, dir.resolve("recipes").resolve(p.name() + ".yaml"), runDir(p.name()),
                    List.copyOf(own), ownerOf, keys.get(i), composed.get(i)));
        }
        return List.copyOf(out);
    }

    private Path runDir(String name) {
        return dir.resolve("runs").resolve(name);
    }

    private static Map<String, String> readOwners(Path dir) {
        JsonNode n = SweepResults.readJson(dir.resolve(OWNERS));
        Map<String, String> m = new LinkedHashMap<>();
        if (n != null) {
            n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        }
        return m;
    }

    /**
     * After {@code failed} failed: the baselines it was to probe for other runs go to the next run that can take
     * them, whose recipe is written again. Runs that started keep theirs.
     */
    private void handOn(Run failed, Console console) {
        if (owners.values().stream().noneMatch(failed.name()::equals)) {
            return;
        }
        List<Run> before = runs;
        runs = withOwners(before.stream().map(Run::plan).toList(), before.stream().map(Run::composed).toList(),
                before.stream().map(Run::baselineKeys).toList(), owners);
        for (int i = 0; i < runs.size(); i++) {
            Run now = runs.get(i);
            List<String> had = before.get(i).baselines();
            List<String> taken = now.baselines().stream().filter(b -> !had.contains(b)).toList();
            if (!taken.isEmpty()) {
                Json.writeAtomically(now.recipeFile(), now.recipeText());
                console.line(now.name() + " takes over the " + String.join(" and ", taken) + " baseline"
                        + (taken.size() > 1 ? "s" : "") + " from " + failed.name() + ", which failed");
            }
        }
        Json.writeAtomically(dir.resolve(OWNERS), Json.pretty(owners));
        Json.writeAtomically(dir.resolve("plan.json"), Json.pretty(planJson()));
    }

    private static ComposedRun compose(SweepFile file, LocatedYaml base, SweepPlan.PlannedRun p, Path dir,
                                       PluginRegistry registry, Path cacheDir) {
        String text = recipeText(file, p, p.recipe());
        Path recipePath = dir.resolve("recipes").resolve(p.name() + ".yaml");
        try {
            LoadedRecipe loaded = LoadedRecipe.parse(recipePath, text);
            return TrainingRun.check(loaded, registry, dir.resolve("runs").resolve(p.name()), cacheDir);
        } catch (RecipeError e) {
            throw relocate(file, base, p, e);
        } catch (UserError e) {
            throw new UserError("run " + p.name() + " of sweep " + file.source().file() + ": " + e.getMessage());
        }
    }

    /** An error found in a run's recipe, told at the override that caused it, or at the base recipe's line. */
    static RecipeError relocate(SweepFile file, LocatedYaml base, SweepPlan.PlannedRun p, RecipeError e) {
        String key = e.key() == null ? "" : e.key();
        String problem = e.problem() == null ? e.getMessage() : e.problem();
        List<SweepPlan.KeyOverride> culprits = new ArrayList<>(p.touching(key));
        // A section's own check ("heads must divide dim=33") names the keys it is about: those axes first.
        culprits.sort(java.util.Comparator.comparing(o -> !mentions(problem, o.path())));
        if (!culprits.isEmpty()) {
            SweepPlan.KeyOverride o = culprits.get(0);
            String also = culprits.size() > 1 ? " (with " + String.join(", ", culprits.subList(1, culprits.size())
                    .stream().map(SweepPlan.KeyOverride::origin).toList()) + ")" : "";
            return new RecipeError(file.source().file(), file.lineOf(o.origin()), o.origin(),
                    "run " + p.name() + ": " + (key.isEmpty() || key.equals(o.path()) ? "" : key + ": ") + problem
                            + also, e.hint());
        }
        return new RecipeError(base.file(), base.lineOf(key), key, "in run " + p.name() + " of "
                + file.source().file().getFileName() + ": " + problem, e.hint());
    }

    private static boolean mentions(String problem, String path) {
        String last = path.replaceAll(".*[.\\]]", "");
        return !last.isEmpty() && java.util.regex.Pattern.compile("\\b" + java.util.regex.Pattern.quote(last) + "\\b")
                .matcher(problem).find();
    }

    static String recipeText(SweepFile file, SweepPlan.PlannedRun p, ObjectNode recipe) {
        StringBuilder header = new StringBuilder("# run ").append(p.name()).append(" of sweep ").append(file.name())
                .append(": ").append(file.base().getFileName());
        for (SweepPlan.KeyOverride o : p.overrides()) {
            header.append(", ").append(o.path()).append(" = ").append(compact(o.value()));
        }
        try {
            return header.append('\n').toString() + ConfigBinder.YAML_WRITER.writeValueAsString(recipe);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String compact(JsonNode value) {
        String s = value.toString();
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }

    /** The run's state from its folder: finished when its report exists, interrupted when it has a checkpoint. */
    public State state(Run run) {
        if (Files.isRegularFile(run.runDir().resolve("report.md"))) {
            return State.FINISHED;
        }
        if (Files.isRegularFile(failedFile(run))) {
            return State.FAILED;
        }
        if (hasCheckpoint(run.runDir())) {
            return State.INTERRUPTED;
        }
        return State.NOT_STARTED;
    }

    /** A run folder with a checkpoint to resume from (the server and the sweep decide alike). */
    public static boolean hasCheckpoint(Path runDir) {
        try {
            return Files.isDirectory(runDir.resolve("checkpoints"))
                    && new Checkpoints(runDir.resolve("checkpoints"), 1).latest().isPresent();
        } catch (RuntimeException e) {
            return false;
        }
    }

    Path failedFile(Run run) {
        return failedFile(run.name());
    }

    private Path failedFile(String name) {
        return dir.resolve("failed").resolve(name + ".txt");
    }

    public Path log(Run run) {
        return dir.resolve("logs").resolve(run.name() + ".log");
    }

    /** The reason a failed run gave, or null. */
    public String failure(Run run) {
        try {
            Path f = failedFile(run);
            return Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            return "failed (reason unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * Writes the sweep folder's fixed part: the sweep file and base recipe as given, and every run's recipe. A run
     * whose recipe changed since it ran is refused, so that no result of another recipe is reported as this one's,
     * unless only its {@code probes} block changed: its probe results are then set aside (see
     * {@link TrainingRun#setProbeResultsAside}) and the run is resumed, which trains nothing more and probes again.
     *
     * @return the finished runs that will be probed again
     */
    public List<String> writeDefinition(String sweepText) {
        List<Run> reprobe = new ArrayList<>();
        for (Run run : runs) {
            // A failed run, or one with neither report nor checkpoint, starts over: only these hold results.
            State state = state(run);
            if (Files.isRegularFile(run.recipeFile()) && (state == State.FINISHED || state == State.INTERRUPTED)) {
                String before = read(run.recipeFile());
                if (before.equals(run.recipeText())) {
                    continue;
                }
                if (TrainingRun.sameExceptProbes(before, run.recipeText())) {
                    if (state == State.FINISHED) {
                        reprobe.add(run);
                    }
                } else {
                    throw new UserError("sweep " + file.name() + ": run " + run.name() + " already ran with another "
                            + "recipe (" + run.recipeFile() + " differs from what " + file.source().file()
                            + " makes now); keep its results by naming the changed sweep differently, or delete "
                            + run.runDir() + " and " + run.recipeFile() + " to run it again");
                }
            }
        }
        Json.writeAtomically(dir.resolve("sweep.yaml"), sweepText);
        Json.writeAtomically(dir.resolve("base.yaml"), read(file.base()));
        for (Run run : runs) {
            Json.writeAtomically(run.recipeFile(), run.recipeText());
        }
        Json.writeAtomically(dir.resolve(OWNERS), Json.pretty(owners));
        Json.writeAtomically(dir.resolve("plan.json"), Json.pretty(planJson()));
        // After the recipes: a sweep stopped in between finds the new recipe beside a run that is no longer
        // finished, and resumes it.
        for (Run run : reprobe) {
            TrainingRun.setProbeResultsAside(run.runDir());
        }
        return reprobe.stream().map(Run::name).toList();
    }

    /** The expanded sweep: every run's overrides, labels and which run probes each baseline. */
    public List<Map<String, Object>> planJson() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Run run : runs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run", run.name());
            Map<String, Object> overrides = new LinkedHashMap<>();
            run.plan().overrides().forEach(o -> overrides.put(o.path(), o.value()));
            m.put("overrides", overrides);
            m.put("labels", run.plan().labels());
            m.put("baselines_from", run.baselineOwners());
            m.put("recipe", dir.relativize(run.recipeFile()).toString());
            m.put("run_dir", dir.relativize(run.runDir()).toString());
            out.add(m);
        }
        return out;
    }

    /** The planner's figures for one run, as {@code pretext budget} computes them. */
    public BudgetPlan.Report budget(Run run) {
        List<Utterance> train = TrainingRun.list(run.composed().train(), run.composed().frontend(),
                run.composed().recipe().seed(), Console.quiet(), null);
        var preparation = run.composed().objective().instance().preparation();
        if (preparation.isEmpty() || preparation.get().done()) {
            TrainingRun.checkObjective(run.composed(), train);
        }
        return BudgetPlan.plan(run.composed(), train);
    }

    /** What one pass over the sweep did. */
    public record Summary(int finished, int failed, int ran, int skipped, double seconds) {
    }

    /**
     * Runs every run that is not finished, in order: interrupted ones resume from their checkpoint, failed ones
     * are skipped unless {@code retryFailed}. After each run {@code afterEach} is called (results, report). An
     * executor with a {@link SweepExecutor#parallelism()} above one gets that many runs at once, started in order;
     * the bookkeeping (failed runs, baselines handed on, {@code afterEach}) stays one run at a time.
     */
    public Summary execute(SweepExecutor executor, boolean retryFailed, Console console, Runnable afterEach)
            throws InterruptedException {
        long t0 = System.nanoTime();
        int[] ranSkipped = new int[2];
        int parallel = Math.max(1, executor.parallelism());
        try (FileChannel channel = lock()) {
            if (parallel == 1) {
                for (int i = 0; i < runs.size(); i++) {
                    Started started = start(i, retryFailed, console, ranSkipped);
                    if (started != null) {
                        long r0 = System.nanoTime();
                        SweepExecutor.Outcome outcome = executor.run(started.job());
                        ended(started, outcome, (System.nanoTime() - r0) / 1e9, console, ranSkipped, afterEach);
                    }
                }
            } else {
                executeParallel(executor, Math.min(parallel, runs.size()), retryFailed, console, afterEach,
                        ranSkipped);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dir, e);
        }
        int finished = 0;
        int failed = 0;
        for (Run run : runs) {
            State s = state(run);
            finished += s == State.FINISHED ? 1 : 0;
            failed += s == State.FAILED ? 1 : 0;
        }
        return new Summary(finished, failed, ranSkipped[0], ranSkipped[1], (System.nanoTime() - t0) / 1e9);
    }

    /** A run handed to the executor: its place in the sweep and the job it was given. */
    private record Started(int index, String at, SweepExecutor.Job job) {
    }

    /** Decides what to do with run {@code i}; null when it is kept as it is (finished, or failed before). */
    private synchronized Started start(int i, boolean retryFailed, Console console, int[] ranSkipped) {
        Run run = runs.get(i);
        State state = state(run);
        String at = String.format(Locale.ROOT, "[%d/%d] %s", i + 1, runs.size(), run.name());
        if (state == State.FINISHED) {
            ranSkipped[1]++;
            console.line(at + ": finished before, kept");
            return null;
        }
        if (state == State.FAILED && !retryFailed) {
            ranSkipped[1]++;
            console.line(at + ": failed before (" + failure(run) + "); --retry-failed runs it again");
            return null;
        }
        boolean resume = state == State.INTERRUPTED;
        boolean fresh = !resume && Files.exists(run.runDir());
        delete(failedFile(run));
        console.line(at + (resume ? ": resuming from its checkpoint" : ": running") + " (log: "
                + dir.relativize(log(run)) + ")");
        inFlight.add(run.name());
        return new Started(i, at, new SweepExecutor.Job(run.name(), run.recipeFile(), run.runDir(), resume, fresh,
                log(run)));
    }

    /** Records how run {@code started} ended, then calls {@code afterEach}. */
    private synchronized void ended(Started started, SweepExecutor.Outcome outcome, double waited, Console console,
                                    int[] ranSkipped, Runnable afterEach) {
        Run run = runs.get(started.index());
        String at = started.at();
        inFlight.remove(run.name());
        double seconds = Double.isNaN(outcome.seconds()) ? waited : outcome.seconds();
        addWallSeconds(run, seconds);
        ranSkipped[0]++;
        if (outcome.finished() && state(run) == State.FINISHED) {
            console.line(String.format(Locale.ROOT, "%s: finished in %.0f s", at, seconds));
        } else if (outcome.stopped()) {
            console.line(String.format(Locale.ROOT, "%s: stopped after %.0f s: %s; running the sweep again resumes it",
                    at, seconds, outcome.reason()));
        } else {
            String reason = outcome.finished() ? "the run ended without a report" : outcome.reason();
            Json.writeAtomically(failedFile(run), reason + "\n");
            console.line(String.format(Locale.ROOT, "%s: FAILED after %.0f s: %s", at, seconds, reason));
            handOn(run, console);
        }
        afterEach.run();
    }

    private void executeParallel(SweepExecutor executor, int slots, boolean retryFailed, Console console,
                                 Runnable afterEach, int[] ranSkipped) throws InterruptedException {
        AtomicInteger made = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(slots, task -> {
            Thread t = new Thread(task, "pretext-sweep-run-" + made.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Semaphore free = new Semaphore(slots);
        List<Future<?>> futures = new ArrayList<>();
        try {
            // Runs start in the sweep's order, each when a slot is free; what to do with a run (keep, resume,
            // start over) is decided then, as the sequential loop decides it.
            for (int i = 0; i < runs.size(); i++) {
                free.acquire();
                Started started;
                try {
                    started = start(i, retryFailed, console, ranSkipped);
                } catch (RuntimeException e) {
                    free.release();
                    throw e;
                }
                if (started == null) {
                    free.release();
                    continue;
                }
                long r0 = System.nanoTime();
                SweepExecutor.Running running;
                try {
                    running = executor.start(started.job());
                } catch (RuntimeException | InterruptedException e) {
                    free.release();
                    throw e;
                }
                futures.add(pool.submit(() -> {
                    try {
                        SweepExecutor.Outcome outcome = running.await();
                        ended(started, outcome, (System.nanoTime() - r0) / 1e9, console, ranSkipped, afterEach);
                    } finally {
                        free.release();
                    }
                    return null;
                }));
                rethrowFailed(futures);
            }
            for (Future<?> f : futures) {
                get(f);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A run whose bookkeeping threw ends the sweep, as it does when runs go one at a time. */
    private static void rethrowFailed(List<Future<?>> futures) throws InterruptedException {
        for (Future<?> f : futures) {
            if (f.isDone()) {
                get(f);
            }
        }
    }

    private static void get(Future<?> f) throws InterruptedException {
        try {
            f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            if (e.getCause() instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The wall-clock seconds of the run's child processes, summed over the invocations that ran it. */
    public double wallSeconds(Run run) {
        JsonNode n = SweepResults.readJson(timingFile(run));
        return n == null ? Double.NaN : n.path("wall_seconds").asDouble(Double.NaN);
    }

    private void addWallSeconds(Run run, double seconds) {
        double before = wallSeconds(run);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("wall_seconds", (Double.isNaN(before) ? 0 : before) + seconds);
        Json.writeAtomically(timingFile(run), Json.pretty(m));
    }

    private Path timingFile(Run run) {
        return dir.resolve("timings").resolve(run.name() + ".json");
    }

    /** One sweep per folder at a time: a second invocation would race the first for the same runs. */
    private FileChannel lock() throws IOException {
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new UserError("another `pretext sweep` is running " + dir + "; wait for it, or stop it first");
            }
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw new UserError("this process already runs the sweep in " + dir);
        }
        return channel;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }

}
