package dev.pretext.launcher;

import dev.pretext.core.Console;
import dev.pretext.core.Json;
import dev.pretext.core.TrainingFlops;
import dev.pretext.core.UserError;
import dev.pretext.core.plan.BudgetPlan;
import dev.pretext.core.sweep.ChildJvmExecutor;
import dev.pretext.core.sweep.SlurmExecutor;
import dev.pretext.core.sweep.Sweep;
import dev.pretext.core.sweep.SweepExecutor;
import dev.pretext.core.sweep.SweepFile;
import dev.pretext.core.sweep.SweepResults;
import dev.pretext.core.sweep.Throughput;
import dev.pretext.study.AnalysisSpec;
import dev.pretext.study.StudyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Run a study: a base recipe and axes of overrides (a grid, or a list of runs), every run "
                + "trained and probed in its own JVM, one after another (or as Slurm jobs, several at once, with "
                + "--executor slurm). Every run is checked before anything "
                + "trains. Run it again to continue: finished runs are kept, interrupted ones resume from their "
                + "checkpoints. Writes SWEEPS/NAME/results.csv, results.jsonl and report.md.")
final class SweepCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(paramLabel = "SWEEP", description = "The sweep YAML file (see studies/).")
    Path sweepFile;

    @Option(names = "--dry-run", description = "Check every run and print the grid with the planner's figures "
            + "(parameters, FLOPs per step, steps, hours of audio, epochs, estimated training time); trains nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "With --dry-run: print the plan as JSON.")
    boolean json;

    @Option(names = "--runs", paramLabel = "DIR", defaultValue = "sweeps",
            description = "Where sweep folders go (default: ${DEFAULT-VALUE}); this sweep's is DIR/NAME.")
    Path sweeps;

    @Option(names = "--retry-failed", description = "Run failed runs again (by default they are kept as failed).")
    boolean retryFailed;

    @Option(names = "--executor", paramLabel = "WHERE", defaultValue = "local",
            description = "Where runs train: local (a child JVM per run on this machine, one after another; the "
                    + "default) or slurm (one Slurm batch job per run, submitted with sbatch, several at once; the "
                    + "distribution, the sweep folder and the cache must be on a filesystem the nodes share).")
    String executor;

    @Option(names = "--partition", paramLabel = "P", description = "slurm: the partition (default: the cluster's).")
    String partition;

    @Option(names = "--cpus-per-run", paramLabel = "N", description = "slurm: CPUs per run (--cpus-per-task).")
    Integer cpusPerRun;

    @Option(names = "--gpus-per-run", paramLabel = "N", description = "slurm: GPUs per run (--gres=gpu:N).")
    Integer gpusPerRun;

    @Option(names = "--mem", paramLabel = "M", description = "slurm: memory per run, as sbatch takes it (e.g. 8G).")
    String mem;

    @Option(names = "--time", paramLabel = "T", description = "slurm: time limit per job start, as sbatch takes it "
            + "(e.g. 4:00:00). 90 s before it, a run stops at a checkpoint and its job is requeued.")
    String time;

    @Option(names = "--max-jobs", paramLabel = "N", description = "slurm: at most N runs submitted at once "
            + "(default: all of them).")
    Integer maxJobs;

    @Option(names = "--poll-seconds", paramLabel = "S", defaultValue = "5",
            description = "slurm: how often squeue is asked about the runs' jobs (default: ${DEFAULT-VALUE}).")
    double pollSeconds;

    @Override
    public Integer call() throws Exception {
        if (json && !dryRun) {
            throw new UserError("--json goes with --dry-run; a sweep writes its results to results.jsonl");
        }
        boolean slurm = checkExecutorOptions();
        if (slurm) {
            // Before the plugins start and every run is composed: no Slurm here, or options Slurm refuses, are
            // said at once, in sbatch's own words.
            SlurmExecutor.check(slurmOptions());
        }
        SweepFile file = SweepFile.load(sweepFile);
        PrintWriter out = main.out();
        Sweep sweep;
        try (Host host = main.startHost()) {
            sweep = Sweep.plan(file, sweeps, host.registry(), main.cacheDir());
            // The analysis block is checked with the rest: a misspelt axis is found before hours of training.
            Set<String> axes = new LinkedHashSet<>();
            sweep.runs().forEach(r -> axes.addAll(r.plan().labels().keySet()));
            AnalysisSpec.parse(file.source(), file.analysis()).check(file.source(), axes);
            if (dryRun) {
                dryRun(sweep, out);
                return 0;
            }
        }
        Console console = Console.to(out);
        List<String> global = new ArrayList<>(List.of("--plugins", main.pluginsDir().toString(), "--cache",
                main.cacheDir().toString()));
        SweepExecutor runner = slurm ? new SlurmExecutor(Main.class.getName(), global, slurmOptions(), console)
                : new ChildJvmExecutor(Main.class.getName(), global);
        String text = Files.readString(sweepFile, StandardCharsets.UTF_8);
        List<String> reprobed = sweep.writeDefinition(text);
        console.line(String.format(Locale.ROOT, "sweep %s: %d runs in %s", file.name(), sweep.runs().size(),
                sweep.dir()));
        if (!reprobed.isEmpty()) {
            console.line("only the probes changed for " + String.join(", ", reprobed) + ": they are probed again "
                    + "from their checkpoints, without training (earlier results kept in runs/RUN/replaced/)");
        }
        Throughput throughput = new Throughput(main.cacheDir());
        SweepResults.write(sweep);
        Sweep.Summary summary = sweep.execute(runner, retryFailed, console, () -> {
            recordThroughput(sweep, SweepResults.write(sweep), throughput);
            report(sweep, console);
        });
        SweepResults.write(sweep);
        report(sweep, console);
        console.line(String.format(Locale.ROOT, "sweep %s: %d of %d runs finished, %d failed; ran %d now, kept %d, "
                        + "in %.0f s. Results: %s", file.name(), summary.finished(), sweep.runs().size(),
                summary.failed(), summary.ran(), summary.skipped(), summary.seconds(),
                sweep.dir().resolve("results.csv")));
        if (summary.failed() > 0) {
            console.line("failed runs are listed with their reasons in results.csv; their logs are in "
                    + sweep.dir().resolve("logs"));
            return 1;
        }
        if (summary.finished() < sweep.runs().size()) {
            // Only an executor that can stop a run at a checkpoint (a cancelled cluster job) leaves runs so.
            console.line((sweep.runs().size() - summary.finished()) + " runs stopped at their checkpoints; run the "
                    + "sweep again to resume them");
            return 1;
        }
        return 0;
    }

    SlurmExecutor.Options slurmOptions() {
        return new SlurmExecutor.Options(partition, cpusPerRun, gpusPerRun, mem, time,
                maxJobs == null ? Integer.MAX_VALUE : maxJobs, pollSeconds);
    }

    /** @return whether the runs go to Slurm; a Slurm option without {@code --executor slurm} is a mistake */
    boolean checkExecutorOptions() {
        boolean slurm = switch (executor) {
            case "local" -> false;
            case "slurm" -> true;
            default -> throw new UserError("--executor " + executor + ": unknown; use local (this machine, the "
                    + "default) or slurm");
        };
        List<String> given = new ArrayList<>();
        if (partition != null) {
            given.add("--partition");
        }
        if (cpusPerRun != null) {
            given.add("--cpus-per-run");
        }
        if (gpusPerRun != null) {
            given.add("--gpus-per-run");
        }
        if (mem != null) {
            given.add("--mem");
        }
        if (time != null) {
            given.add("--time");
        }
        if (maxJobs != null) {
            given.add("--max-jobs");
        }
        if (!slurm && !given.isEmpty()) {
            throw new UserError(String.join(", ", given) + (given.size() > 1 ? " only mean" : " only means")
                    + " something with --executor slurm; add it, or leave " + (given.size() > 1 ? "them" : "it")
                    + " out to run the sweep on this machine");
        }
        if (dryRun && slurm) {
            // Nothing is submitted by a dry run; the options are still checked below when the sweep runs.
            return false;
        }
        for (var e : new Object[][]{{"--cpus-per-run", cpusPerRun}, {"--gpus-per-run", gpusPerRun},
                {"--max-jobs", maxJobs}}) {
            if (e[1] != null && (Integer) e[1] < (e[0].equals("--gpus-per-run") ? 0 : 1)) {
                throw new UserError(e[0] + " " + e[1] + ": must be " + (e[0].equals("--gpus-per-run") ? "0 or more"
                        : "1 or more"));
            }
        }
        if (!(pollSeconds > 0)) {
            throw new UserError("--poll-seconds " + pollSeconds + ": must be above 0");
        }
        return slurm;
    }

    /** The study's report and plots from the results so far; a report that cannot be drawn loses no result. */
    private static void report(Sweep sweep, Console console) {
        try {
            StudyReport.Written written = StudyReport.write(sweep.dir());
            console.line("report: " + written.report() + " (" + written.plots().size() + " plots)");
        } catch (UserError e) {
            console.line("report not written: " + e.getMessage());
        } catch (RuntimeException e) {
            // A fault in drawing the report must not stop the runs still to come: they are what costs hours.
            console.line("report not written, a fault in pretext's report (" + e + "); the results are kept, and "
                    + "running the sweep again draws it (finished runs are kept)");
        }
    }

    private static void recordThroughput(Sweep sweep, List<Map<String, Object>> rows, Throughput throughput) {
        // Each finished run's measured speed, once, informs later estimates.
        for (Map<String, Object> row : rows) {
            if ("finished".equals(row.get("status")) && row.get("parameters") instanceof Long n
                    && row.get("flops") instanceof Double f && row.get("train_seconds") instanceof Double s
                    && !Files.exists(sweep.dir().resolve("runs").resolve((String) row.get("run"))
                    .resolve(".throughput-recorded"))) {
                throughput.record(n, f, s, row.get("device") instanceof String d ? d : "cpu");
                try {
                    Files.writeString(sweep.dir().resolve("runs").resolve((String) row.get("run"))
                            .resolve(".throughput-recorded"), "");
                } catch (IOException e) {
                    // Recorded twice at worst.
                }
            }
        }
    }

    /** The device a run's recipe would get on this machine, without opening it: cpu or gpu. */
    private static String deviceHere(Sweep.Run run) {
        dev.pretext.core.recipe.DeviceRequest asked = run.composed().recipe().deviceRequest();
        if (asked.kind() == dev.pretext.core.recipe.DeviceRequest.Kind.CPU) {
            return "cpu";
        }
        if (asked.kind() == dev.pretext.core.recipe.DeviceRequest.Kind.GPU) {
            return "gpu";
        }
        return dev.pretext.core.run.RunDevice.probe().libtorchGpus() > 0 ? "gpu" : "cpu";
    }

    private void dryRun(Sweep sweep, PrintWriter out) {
        Throughput throughput = new Throughput(main.cacheDir());
        List<Map<String, Object>> rows = new ArrayList<>();
        double totalFlops = 0;
        double totalSeconds = 0;
        boolean allMeasured = true;
        List<String> unplanned = new ArrayList<>();
        for (Sweep.Run run : sweep.runs()) {
            BudgetPlan.Report plan;
            try {
                plan = sweep.budget(run);
            } catch (UserError e) {
                // The data of this run cannot be listed here: say so, plan the others.
                unplanned.add(run.name() + ": " + e.getMessage().lines().findFirst().orElse(""));
                continue;
            }
            double flops = plan.steps() * plan.flopsPerStep();
            // The kind of device the run would get here (auto: a GPU when DJL sees one).
            Throughput.Rate rate = throughput.estimate(plan.parameters(), deviceHere(run));
            allMeasured &= rate.measured();
            double seconds = flops / rate.flopsPerSecond();
            totalFlops += flops;
            Sweep.State state = sweep.state(run);
            if (state != Sweep.State.FINISHED) {
                totalSeconds += seconds;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("run", run.name());
            row.put("labels", run.plan().labels());
            row.put("state", state.name().toLowerCase(Locale.ROOT).replace('_', ' '));
            row.put("parameters", plan.parameters());
            row.put("flops_per_step", plan.flopsPerStep());
            row.put("steps", plan.steps());
            row.put("flops", flops);
            row.put("hours_seen", plan.hours());
            row.put("unique_hours", plan.uniqueHours());
            row.put("epochs", plan.epochs());
            row.put("estimated_train_seconds", seconds);
            row.put("flops_per_second", rate.flopsPerSecond());
            row.put("rate_measured", rate.measured());
            row.put("baselines_probed_here", run.baselines());
            rows.add(row);
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("sweep", sweep.file().name());
            doc.put("folder", sweep.dir().toString());
            doc.put("runs", rows);
            doc.put("total_flops", totalFlops);
            doc.put("estimated_train_seconds_left", totalSeconds);
            doc.put("cannot_plan", unplanned);
            out.print(Json.pretty(doc));
            out.flush();
            return;
        }
        out.printf(Locale.ROOT, "sweep %s: %d runs -> %s%n", sweep.file().name(), rows.size(), sweep.dir());
        out.printf(Locale.ROOT, "%-36s %10s %10s %7s %8s %7s %9s  %s%n", "run", "params", "FLOPs/step", "steps",
                "hours", "epochs", "est. min", "state");
        for (Map<String, Object> r : rows) {
            out.printf(Locale.ROOT, "%-36s %10s %10.3g %7.0f %8.3f %7.2f %9.1f  %s%s%n", r.get("run"),
                    millions((Long) r.get("parameters")), (Double) r.get("flops_per_step"), (Double) r.get("steps"),
                    (Double) r.get("hours_seen"), (Double) r.get("epochs"),
                    (Double) r.get("estimated_train_seconds") / 60, r.get("state"),
                    ((List<?>) r.get("baselines_probed_here")).isEmpty() ? ""
                            : ", probes baselines " + r.get("baselines_probed_here"));
        }
        for (String u : unplanned) {
            out.println("cannot plan " + u);
        }
        out.printf(Locale.ROOT, "total: %.3g FLOPs; training still to run: about %s (%s); probing comes on "
                        + "top%n", totalFlops, totalSeconds < 3600 ? String.format(Locale.ROOT, "%.0f min",
                        totalSeconds / 60) : String.format(Locale.ROOT, "%.1f h", totalSeconds / 3600),
                allMeasured ? "from this machine's measured speed at the nearest model size"
                        : "partly from an assumed " + TrainingFlops.ASSUMED_PER_SECOND / 1e9
                        + " GFLOP/s: no run of that size has finished here yet");
        out.flush();
    }

    private static String millions(Long n) {
        return n == null || n < 0 ? "?" : String.format(Locale.ROOT, "%.2fM", n / 1e6);
    }
}
