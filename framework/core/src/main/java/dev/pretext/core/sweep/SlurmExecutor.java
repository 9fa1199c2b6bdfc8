package dev.pretext.core.sweep;

import dev.pretext.core.Console;
import dev.pretext.core.Json;
import dev.pretext.core.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs each run of a sweep as one Slurm batch job: {@code sbatch} of a script written to
 * {@code SWEEP/slurm/RUN.sbatch}, which runs the same {@code pretext train} command line as the local executor
 * (this JVM's java, options and class path: the cluster must see the distribution, the sweep folder and the cache
 * at the same paths, i.e. on a shared filesystem). Jobs are followed with {@code squeue}; how one ended comes from
 * {@code sacct} where the cluster keeps accounting, else from {@code scontrol show job}, and from the lines the
 * script itself writes to {@code SWEEP/slurm/RUN.events}.
 *
 * <p>Jobs are requeueable: the script runs {@code pretext train --checkpoint-on-term}, so SIGTERM (preemption,
 * {@code scontrol requeue}) stops training at the next step with a checkpoint, and the script, started again by
 * Slurm, resumes from it. See {@link #script} for the details.
 *
 * <p>A job outlives the sweep that submitted it (that is the point of a cluster): a sweep stopped and started again
 * finds its runs' jobs by the ids kept in {@code SWEEP/slurm/RUN.job} and follows them instead of submitting again.
 */
public final class SlurmExecutor implements SweepExecutor {
    /** The exit code of a run stopped at a checkpoint on SIGTERM (RunStopped.EXIT_CODE; core.train). */
    static final int STOPPED = dev.pretext.core.train.RunStopped.EXIT_CODE;

    /**
     * What each job asks of Slurm; null for Slurm's own default.
     *
     * @param maxJobs     how many runs may be under way at once (submitted, pending or running)
     * @param pollSeconds how often {@code squeue} is asked (one call for all runs)
     */
    public record Options(String partition, Integer cpusPerRun, Integer gpusPerRun, String mem, String time,
                          int maxJobs, double pollSeconds) {
        /** The sbatch options, as {@code --name=value}. */
        List<String> sbatch() {
            List<String> out = new ArrayList<>();
            if (partition != null) {
                out.add("--partition=" + partition);
            }
            out.add("--ntasks=1");
            if (cpusPerRun != null) {
                out.add("--cpus-per-task=" + cpusPerRun);
            }
            if (gpusPerRun != null && gpusPerRun > 0) {
                // --gres works on every Slurm with a gpu GRES; --gpus needs select/cons_tres.
                out.add("--gres=gpu:" + gpusPerRun);
            }
            if (mem != null) {
                out.add("--mem=" + mem);
            }
            if (time != null) {
                out.add("--time=" + time);
            }
            return out;
        }
    }

    /** Runs a Slurm command; tests may fake it. */
    interface Shell {
        Result run(List<String> command) throws IOException, InterruptedException;
    }

    record Result(int code, String out, String err) {
        String said() {
            String s = (err.isBlank() ? out : err).strip();
            return s.isEmpty() ? "exit code " + code : s.replaceAll("\\s*\n\\s*", "; ");
        }
    }

    /** Slurm's job states after which a job will not run again (unless someone requeues it by hand). */
    private static final Set<String> ENDED = Set.of("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL",
            "PREEMPTED", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "REVOKED");

    private final String mainClass;
    private final List<String> globalArgs;
    private final Options options;
    private final Console console;
    private final Shell shell;
    private final Queue queue;

    /**
     * @param mainClass  the CLI's main class
     * @param globalArgs options placed before the subcommand, e.g. {@code --plugins DIR --cache DIR}
     * @param console    where job events go (submitted, pending, running, requeued)
     */
    public SlurmExecutor(String mainClass, List<String> globalArgs, Options options, Console console) {
        this(mainClass, globalArgs, options, console, SlurmExecutor::exec);
    }

    SlurmExecutor(String mainClass, List<String> globalArgs, Options options, Console console, Shell shell) {
        this.mainClass = mainClass;
        this.globalArgs = List.copyOf(globalArgs);
        this.options = options;
        this.console = console;
        this.shell = shell;
        this.queue = new Queue();
    }

    @Override
    public int parallelism() {
        return Math.max(1, options.maxJobs());
    }

    /**
     * Before anything is submitted: the Slurm commands are there, and Slurm accepts the job options
     * ({@code sbatch --test-only}, which asks the controller without queueing anything). Throws a user error with
     * sbatch's own message otherwise.
     */
    public static void check(Options options) throws InterruptedException {
        check(options, SlurmExecutor::exec);
    }

    static void check(Options options, Shell shell) throws InterruptedException {
        for (String tool : List.of("sbatch", "squeue", "scontrol")) {
            if (onPath(tool) == null) {
                throw new UserError("--executor slurm needs Slurm's " + tool + " on PATH, and it is not there (PATH="
                        + System.getenv("PATH") + "); run the sweep on a machine that can submit to the cluster (a "
                        + "login node), or add Slurm's bin folder to PATH. Without a cluster, run it here: leave out "
                        + "--executor slurm. To try the Slurm executor on this machine, bench/slurm/local-cluster start "
                        + "starts a small cluster");
            }
        }
        List<String> cmd = new ArrayList<>(List.of("sbatch", "--test-only"));
        cmd.addAll(options.sbatch());
        cmd.add("--wrap=true");
        Result r;
        try {
            r = shell.run(cmd);
        } catch (IOException e) {
            throw new UserError("cannot run sbatch: " + e.getMessage());
        }
        if (r.code() != 0) {
            throw new UserError("Slurm refuses the runs' job options (" + String.join(" ", options.sbatch()) + "): "
                    + r.said() + "; `sinfo` lists the partitions and their nodes, `sinfo -o \"%P %c %m %G %l\"` "
                    + "their CPUs, memory, GPUs and time limits");
        }
    }

    /** The command's full path, or null. */
    static Path onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator, -1)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    @Override
    public Outcome run(Job job) throws InterruptedException {
        return start(job).await();
    }

    /** Submits the run's job (or finds the one submitted before still queued); the result follows it. */
    @Override
    public Running start(Job job) throws InterruptedException {
        Path slurmDir = job.log().toAbsolutePath().getParent().resolveSibling("slurm");
        Path idFile = slurmDir.resolve(job.name() + ".job");
        Path events = slurmDir.resolve(job.name() + ".events");
        try {
            Files.createDirectories(slurmDir);
            Files.createDirectories(job.log().toAbsolutePath().getParent());
            String id = stillQueued(idFile);
            if (id != null) {
                console.line(job.name() + ": Slurm job " + id + " submitted before is still there; following it");
            } else {
                Path script = slurmDir.resolve(job.name() + ".sbatch");
                Json.writeAtomically(script, script(job, events));
                Result r = shell.run(List.of("sbatch", "--parsable", script.toString()));
                if (r.code() != 0) {
                    return ended(Outcome.failed("sbatch refused the job: " + r.said()));
                }
                id = r.out().strip().split(";", -1)[0];
                if (!id.matches("\\d+(_\\d+)?")) {
                    return ended(Outcome.failed("sbatch answered no job id: " + r.said()));
                }
                Json.writeAtomically(idFile, id + "\n");
                console.line(job.name() + ": Slurm job " + id + " submitted");
            }
            String jobId = id;
            queue.watch(jobId);
            return () -> {
                try {
                    return follow(job, jobId, events);
                } catch (IOException e) {
                    return Outcome.failed("lost track of Slurm job " + jobId + ": " + e.getMessage());
                } finally {
                    queue.unwatch(jobId);
                }
            };
        } catch (IOException e) {
            return ended(Outcome.failed("cannot submit the run to Slurm: " + e.getMessage()));
        }
    }

    private static Running ended(Outcome outcome) {
        return () -> outcome;
    }

    /** The job id kept for this run, when Slurm still has that job pending or running. */
    private String stillQueued(Path idFile) throws IOException, InterruptedException {
        if (!Files.isRegularFile(idFile)) {
            return null;
        }
        String id = Files.readString(idFile, StandardCharsets.UTF_8).strip();
        Result r = shell.run(List.of("squeue", "-h", "--states=all", "-j", id, "-o", "%i|%T|%r|%N"));
        if (r.code() != 0) {
            return null;
        }
        for (String line : r.out().split("\n", -1)) {
            String[] f = line.strip().split("\\|", -1);
            if (f.length >= 2 && f[0].equals(id) && !ENDED.contains(f[1])) {
                return id;
            }
        }
        return null;
    }

    /** Waits for the job to end, telling its changes of state, and reads how it ended. */
    private Outcome follow(Job job, String id, Path events) throws InterruptedException, IOException {
        String last = null;
        Queue.Seen ended = null;
        int endedPolls = 0;
        while (true) {
            Queue.Seen seen = queue.get(id, options.pollSeconds());
            String now = seen == null ? "gone" : seen.state().toLowerCase(Locale.ROOT)
                    + (seen.state().equals("PENDING") && !seen.reason().equals("None") ? " (" + seen.reason()
                    + ")" : seen.state().equals("RUNNING") ? " on " + seen.nodes() : "");
            if (!now.equals(last) && seen != null) {
                console.line(job.name() + ": Slurm job " + id + " " + now);
            }
            last = now;
            // An ended job is looked at twice, one poll apart: a requeued job passes through states that look
            // final (PREEMPTED, NODE_FAIL) on its way back to PENDING.
            if (seen == null || ENDED.contains(seen.state())) {
                if (++endedPolls >= 2) {
                    ended = seen;
                    break;
                }
            } else {
                endedPolls = 0;
            }
            Thread.sleep((long) (options.pollSeconds() * 1000));
        }
        return outcome(job, id, ended, events);
    }

    /** How the job ended: its own exit code (from the script's events), else Slurm's account of it. */
    private Outcome outcome(Job job, String id, Queue.Seen lastSeen, Path events)
            throws IOException, InterruptedException {
        Map<String, String> slurm = account(id);
        if (slurm.isEmpty() && lastSeen != null) {
            slurm.put("State", lastSeen.state());
            slurm.put("Reason", lastSeen.reason());
        }
        Events ev = Events.read(events, id);
        String state = slurm.getOrDefault("State", "unknown");
        String said = "Slurm job " + id + ": " + state
                + (slurm.containsKey("ExitCode") ? ", ExitCode " + slurm.get("ExitCode") : "")
                + (slurm.containsKey("Reason") && !"None".equals(slurm.get("Reason"))
                ? ", Reason " + slurm.get("Reason") : "");
        Outcome out;
        if (ev.exitCode() != null && ev.exitCode() == 0 && !state.startsWith("CANCELLED")) {
            out = Outcome.ok();
        } else if (Sweep.hasCheckpoint(job.runDir()) && (state.startsWith("CANCELLED")
                || (ev.exitCode() != null && ev.exitCode() == STOPPED))) {
            // Cancelled (scancel) or stopped at a checkpoint without being requeued: nothing went wrong with the
            // run, and marking it failed would make --retry-failed start it over and lose its checkpoints.
            out = Outcome.stopped((ev.exitCode() != null && ev.exitCode() == STOPPED ? "stopped at a checkpoint"
                    : "ended by a signal") + " and not requeued (" + said + ")");
        } else {
            String text = ev.exitCode() == null ? "the job ended before its script did"
                    : lastWords(ev.exitCode(), job.log(), id);
            String tail = tail(job.log(), 12);
            if (!tail.isEmpty()) {
                console.line(job.name() + ": the end of " + job.log() + ":\n" + tail.lines()
                        .map(l -> "  | " + l).reduce((a, b) -> a + "\n" + b).orElse(""));
            }
            if (text.matches("(exit code|killed|stopped|the job ended).*") && !tail.isEmpty()) {
                // Nothing from pretext itself: the log's last lines say more than an exit code.
                List<String> lines = tail.lines().filter(l -> !l.isBlank()).toList();
                text = text + "; log ends: " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3),
                        lines.size()));
            }
            out = Outcome.failed(shorten(text + " (" + said + ")", 600));
        }
        return Double.isNaN(ev.seconds()) ? out : out.withSeconds(ev.seconds());
    }

    private static String shorten(String s, int max) {
        return s.length() > max ? s.substring(0, max) + "..." : s;
    }

    /**
     * Slurm's record of an ended job: State, ExitCode and Reason. From {@code sacct} when the cluster keeps
     * accounting (it keeps jobs for good), else {@code scontrol show job} (for MinJobAge after the end, 300 s by
     * default). Empty when neither knows the job.
     */
    private Map<String, String> account(String id) throws IOException, InterruptedException {
        Map<String, String> out = new LinkedHashMap<>();
        if (onPath("sacct") != null) {
            Result r = shell.run(List.of("sacct", "-n", "-P", "-X", "-j", id, "-o", "State,ExitCode,Reason"));
            if (r.code() == 0) {
                for (String line : r.out().split("\n", -1)) {
                    String[] f = line.strip().split("\\|", -1);
                    if (f.length >= 3 && !f[0].isEmpty()) {
                        // "CANCELLED by 0" names who cancelled it; the state is the first word.
                        out.put("State", f[0]);
                        out.put("ExitCode", f[1]);
                        out.put("Reason", f[2]);
                    }
                }
                if (!out.isEmpty()) {
                    return out;
                }
            }
        }
        Result r = shell.run(List.of("scontrol", "show", "job", "-o", id));
        if (r.code() == 0) {
            for (String field : r.out().strip().split("\\s+", -1)) {
                int eq = field.indexOf('=');
                if (eq > 0) {
                    String key = field.substring(0, eq);
                    if (key.equals("JobState") || key.equals("ExitCode") || key.equals("Reason")) {
                        out.put(key.equals("JobState") ? "State" : key, field.substring(eq + 1));
                    }
                }
            }
        }
        return out;
    }

    /**
     * The run's own one-line message ("pretext: ...") from this job's last start in the log (earlier starts and
     * earlier sweeps wrote to the same log), else what its exit code says.
     */
    static String lastWords(int code, Path log, String id) {
        String said = null;
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            int from = 0;
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith("pretext-slurm: job " + id + ",")) {
                    from = i;
                    break;
                }
            }
            for (int i = lines.size() - 1; i >= from && said == null; i--) {
                if (lines.get(i).startsWith("pretext: ")) {
                    said = lines.get(i).substring("pretext: ".length()).strip();
                } else if (lines.get(i).contains("OutOfMemoryError")) {
                    said = "out of Java heap (" + lines.get(i).strip() + "); raise -Xmx in PRETEXT_JAVA_OPTS";
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // No log to read: the exit code is all there is.
        }
        String exit = code == 137 ? "killed (SIGKILL: out of memory, or past the time limit?)"
                : code == 143 ? "stopped (SIGTERM)" : "exit code " + code;
        return said == null ? exit : said + " (" + exit + ")";
    }

    static String tail(Path log, int lines) {
        try {
            if (!Files.isRegularFile(log)) {
                return "";
            }
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        }
    }

    /**
     * What the script wrote about one job's incarnations: {@code start JOB RESTART NODE EPOCH} and
     * {@code end JOB RESTART CODE EPOCH} lines.
     *
     * @param exitCode the last incarnation's exit code; null when none ended
     * @param seconds  the time the incarnations ran, summed; NaN when none ended
     */
    record Events(Integer exitCode, double seconds) {
        static Events read(Path file, String id) {
            Integer code = null;
            double seconds = Double.NaN;
            Long started = null;
            try {
                if (Files.isRegularFile(file)) {
                    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                        String[] f = line.strip().split("\\s+", -1);
                        if (f.length < 5 || !f[1].equals(id)) {
                            continue;
                        }
                        if (f[0].equals("start")) {
                            started = Long.parseLong(f[4]);
                        } else if (f[0].equals("end")) {
                            code = Integer.parseInt(f[3]);
                            if (started != null) {
                                seconds = (Double.isNaN(seconds) ? 0 : seconds) + Long.parseLong(f[4]) - started;
                                started = null;
                            }
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // A torn line at worst: Slurm's own account still says how the job ended.
            }
            return new Events(code, seconds);
        }
    }

    /**
     * The batch script of one run. Choices, each for a reason:
     * <ul>
     * <li>{@code --requeue}: Slurm may start the job again after preemption or a node failure, and
     * {@code scontrol requeue} works on it (clusters may default to {@code --no-requeue}).</li>
     * <li>SIGTERM is what Slurm sends every process of the job when it preempts, requeues or cancels it (then
     * SIGKILL after KillWait, 30 s by default, or GraceTime for preemption). {@code pretext train
     * --checkpoint-on-term} finishes the current step, writes a checkpoint and exits with 75; the job's next
     * start resumes from the checkpoint. A step must therefore take well under KillWait.</li>
     * <li>{@code --signal=B:USR1@90}: 90 s before the time limit, USR1 to this script only (B:); the script
     * passes SIGTERM on to the run and, once it has stopped at a checkpoint, requeues its own job, which
     * Slurm would otherwise end as TIMEOUT. USR1 rather than TERM, so that the script tells "time is up,
     * requeue me" from "Slurm is stopping me" (it requeues such jobs itself; cancelled ones stay cancelled).</li>
     * <li>The decision to resume is taken when the job starts, not when it is submitted: the first start does
     * what the sweep decided (new, start over, resume); every later start ({@code SLURM_RESTART_COUNT} > 0)
     * resumes when the run folder has a checkpoint ({@code checkpoints/step-*}, the test of
     * {@link Sweep#hasCheckpoint}) and starts over otherwise.</li>
     * <li>The run's output is appended to the sweep's {@code logs/RUN.log} ({@code --open-mode=append}), every
     * start after the one before, as the local executor appends.</li>
     * </ul>
     */
    String script(Job job, Path events) {
        Path recipe = job.recipe().toAbsolutePath();
        Path runDir = job.runDir().toAbsolutePath();
        Path log = job.log().toAbsolutePath();
        Path sweepDir = log.getParent().getParent();
        List<String> java = new ArrayList<>();
        java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        java.addAll(ChildJvmExecutor.jvmOptions());
        java.add("-cp");
        java.add(System.getProperty("java.class.path"));
        java.add(mainClass);
        java.addAll(globalArgs);
        String first = job.resume() ? "resume" : job.fresh() ? "fresh" : "new";
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/bash\n");
        s.append("# Run ").append(job.name()).append(" of the sweep in ").append(sweepDir)
                .append(", written by `pretext sweep --executor slurm`\n# (SlurmExecutor's javadoc explains every "
                        + "choice). To run it again by hand: sbatch THIS_FILE\n");
        s.append("#SBATCH --job-name=").append(jobName(sweepDir, job.name())).append('\n');
        s.append("#SBATCH --output=").append(log).append('\n');
        s.append("#SBATCH --open-mode=append\n");
        s.append("#SBATCH --chdir=").append(Path.of("").toAbsolutePath()).append('\n');
        s.append("#SBATCH --requeue\n");
        s.append("#SBATCH --signal=B:USR1@90\n");
        for (String o : options.sbatch()) {
            s.append("#SBATCH ").append(o).append('\n');
        }
        s.append("set -u\n");
        // The environment the local executor's runs get (sbatch exports the submitter's by default; a site may
        // not): the libtorch cache, the MKL preload, OpenMP's waiting, a CUDA libtorch's place and flavour. Never
        // CUDA_VISIBLE_DEVICES: Slurm sets it per job to the GPUs it gave the job.
        for (String var : List.of("OPT_OUT_TRACKING", "OMP_WAIT_POLICY", "DJL_CACHE_DIR", "ENGINE_CACHE_DIR",
                "LD_PRELOAD", "PRETEXT_CACHE", "PYTORCH_LIBRARY_PATH", "PYTORCH_FLAVOR", "PYTORCH_VERSION")) {
            String v = System.getenv(var);
            if (v != null) {
                s.append("export ").append(var).append('=').append(quote(v)).append('\n');
            }
        }
        s.append("run_dir=").append(quote(runDir.toString())).append('\n');
        s.append("events=").append(quote(events.toAbsolutePath().toString())).append('\n');
        s.append("java=(");
        for (int i = 0; i < java.size(); i++) {
            s.append(i == 0 ? "" : " ").append(quote(java.get(i)));
        }
        s.append(")\n");
        s.append("restart=${SLURM_RESTART_COUNT:-0}\n");
        s.append("echo \"start $SLURM_JOB_ID $restart ${SLURMD_NODENAME:-?} $(date +%s)\" >> \"$events\"\n");
        s.append("echo \"pretext-slurm: job $SLURM_JOB_ID, start $((restart + 1)), on ${SLURMD_NODENAME:-?} at "
                + "$(date -u +%FT%TZ), CPUs ${SLURM_CPUS_ON_NODE:-?}, GPUs ${CUDA_VISIBLE_DEVICES:-none}\"\n");
        s.append("if [ \"$restart\" -eq 0 ]; then\n  mode=").append(first).append('\n');
        s.append("""
                elif compgen -G "$run_dir/checkpoints/step-*" > /dev/null; then
                  mode=resume
                else
                  mode=fresh
                fi
                """);
        s.append("case $mode in\n");
        s.append("  resume) where=(--resume \"$run_dir\") ;;\n");
        s.append("  fresh) where=(--runs ").append(quote(runDir.getParent().toString())).append(" --force) ;;\n");
        s.append("  new) where=(--runs ").append(quote(runDir.getParent().toString())).append(") ;;\n");
        s.append("esac\n");
        s.append("requeue=0\n");
        s.append("trap 'kill -TERM $pid 2> /dev/null' TERM\n");
        s.append("trap 'requeue=1; echo \"pretext-slurm: the time limit is near: stopping at a checkpoint, then "
                + "requeueing\"; kill -TERM $pid 2> /dev/null' USR1\n");
        s.append("\"${java[@]}\" train ").append(quote(recipe.toString()))
                .append(" --checkpoint-on-term \"${where[@]}\" &\n");
        s.append("pid=$!\n");
        // wait returns early when a trapped signal arrives: wait again until the run has ended.
        s.append("while kill -0 $pid 2> /dev/null; do wait $pid; done\n");
        s.append("wait $pid\ncode=$?\n");
        s.append("echo \"end $SLURM_JOB_ID $restart $code $(date +%s)\" >> \"$events\"\n");
        s.append("if [ $requeue -eq 1 ] && { [ $code -eq ").append(STOPPED).append(" ] || [ $code -eq 143 ]; }; then\n");
        s.append("  scontrol requeue \"$SLURM_JOB_ID\"\nfi\n");
        s.append("exit $code\n");
        return s.toString();
    }

    /** {@code pretext-SWEEP-RUN}: what squeue shows. */
    private static String jobName(Path sweepDir, String run) {
        return ("pretext-" + sweepDir.getFileName() + "-" + run).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static Result exec(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File(
                "/dev/null"))).start();
        // Slurm's commands answer small: read both streams after the end, within a minute.
        java.util.concurrent.CompletableFuture<byte[]> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "", String.join(" ", command) + " did not answer within 60 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err.join(), StandardCharsets.UTF_8));
    }

    /**
     * The jobs being followed, with one {@code squeue} call per poll for all of them, however many runs wait: a
     * cluster's controller is shared.
     */
    private final class Queue {
        record Seen(String state, String reason, String nodes) {
        }

        private final Set<String> watched = ConcurrentHashMap.newKeySet();
        private Map<String, Seen> snapshot = Map.of();
        private long takenNanos;

        void watch(String id) {
            watched.add(id);
            synchronized (this) {
                takenNanos = 0;
            }
        }

        void unwatch(String id) {
            watched.remove(id);
        }

        /** The job's state as squeue saw it at most {@code maxAge} seconds ago; null when squeue has no such job. */
        synchronized Seen get(String id, double maxAge) throws IOException, InterruptedException {
            if (takenNanos == 0 || System.nanoTime() - takenNanos > maxAge * 0.5e9) {
                refresh();
            }
            return snapshot.get(id);
        }

        private void refresh() throws IOException, InterruptedException {
            List<String> ids = new ArrayList<>(watched);
            if (ids.isEmpty()) {
                return;
            }
            Result r = shell.run(List.of("squeue", "-h", "--states=all", "-j", String.join(",", ids), "-o",
                    "%i|%T|%r|%N"));
            Map<String, Seen> now = new LinkedHashMap<>();
            if (r.code() == 0) {
                for (String line : r.out().split("\n", -1)) {
                    String[] f = line.strip().split("\\|", -1);
                    if (f.length >= 4) {
                        now.put(f[0], new Seen(f[1], f[2], f[3]));
                    }
                }
            } else if (!r.err().contains("Invalid job id")) {
                // The controller did not answer (busy, restarting): keep what was seen, ask again next poll.
                console.line("squeue failed (" + r.said() + "); asking again");
                return;
            }
            snapshot = now;
            takenNanos = System.nanoTime();
        }
    }
}
