package dev.pretext.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Starts queued jobs in order (priority, then submission) within the server's limits, one child process each,
 * and records how each ends. A job that crashes or runs out of memory ends only its own process.
 *
 * <p>On start it takes over from a server that died: a job still marked running is queued again to resume from
 * its checkpoints, once its old process is certainly gone (children follow the server's death within a second).
 */
public final class Scheduler implements AutoCloseable {
    /** @param maxRunning jobs at once on this server; @param maxPerUser jobs at once of one user */
    public record Limits(int maxRunning, int maxPerUser) {
        public Limits {
            if (maxRunning < 1 || maxPerUser < 1) {
                throw new IllegalArgumentException("limits must be at least 1");
            }
        }
    }

    private record Running(JobFolder folder, JobSpec spec, Process process) {
    }

    private final Jobs jobs;
    private final JobLauncher launcher;
    private final Limits limits;
    private final Consumer<String> log;
    private final Map<Long, Running> running = new LinkedHashMap<>();
    private final Map<Long, String> cancelledBy = new HashMap<>();
    private final Thread loop;
    private volatile boolean stopping;

    public Scheduler(Jobs jobs, JobLauncher launcher, Limits limits, Consumer<String> log) {
        this.jobs = jobs;
        this.launcher = launcher;
        this.limits = limits;
        this.log = log;
        this.loop = new Thread(this::loop, "pretext-scheduler");
        loop.setDaemon(true);
    }

    public void start() {
        recover();
        loop.start();
    }

    /** Jobs marked running whose server is gone: make sure their processes are too, then queue them to resume. */
    void recover() {
        for (JobFolder f : jobs.folders()) {
            JobStatus s = f.status();
            if (s.state() != JobState.RUNNING) {
                continue;
            }
            if (s.pid() != null) {
                awaitGone(s.pid(), f.dir());
            }
            JobSpec spec = f.spec();
            jobs.update(f, spec, s.requeued(true, false, "the server stopped while it ran; it resumes from its "
                    + "latest checkpoint"));
            log.accept("job " + spec.id() + " (" + spec.name() + ") was running when the server stopped: queued to "
                    + "resume");
        }
    }

    private static void awaitGone(long pid, Path jobDir) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty()) {
            return;
        }
        // The pid may belong to another process by now: only a process running this job is ours to stop.
        String cmd = h.get().info().commandLine().orElse("");
        if (!cmd.contains(jobDir.toString())) {
            return;
        }
        Instant deadline = Instant.now().plusSeconds(15);
        while (h.get().isAlive() && Instant.now().isBefore(deadline)) {
            sleep(100);
        }
        if (h.get().isAlive()) {
            h.get().destroyForcibly();
            h.get().onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> null).join();
        }
    }

    private void loop() {
        while (!stopping) {
            try {
                tick();
            } catch (RuntimeException e) {
                log.accept("scheduler: " + e);
            }
            synchronized (this) {
                try {
                    wait(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Something changed (a submission, a cancel): look at the queue now rather than in half a second. */
    public synchronized void wake() {
        notifyAll();
    }

    synchronized void tick() {
        reap();
        if (stopping) {
            return;
        }
        for (JobIndex.Row row : jobs.index().queue()) {
            if (running.size() >= limits.maxRunning()) {
                return;
            }
            long mine = running.values().stream().filter(r -> r.spec().user().equals(row.user())).count();
            if (mine >= limits.maxPerUser()) {
                continue;
            }
            jobs.folder(row.id()).ifPresent(this::launch);
        }
    }

    private void launch(JobFolder f) {
        JobSpec spec = f.spec();
        JobStatus status = f.status();
        if (status.state() != JobState.QUEUED) {
            return;
        }
        if (JobSpec.RECIPE.equals(spec.kind()) && status.resume()
                && Files.isRegularFile(f.runDir(spec).resolve("report.md"))) {
            // It had finished when the server stopped: never run it twice.
            jobs.update(f, spec, status.ended(JobState.FINISHED, Instant.now(), null));
            return;
        }
        List<String> cmd = launcher.command(f, spec, status);
        try {
            Files.writeString(f.log(), "\n=== " + Instant.now() + " attempt " + (status.attempt() + 1) + ": "
                    + String.join(" ", cmd.subList(Math.max(0, cmd.indexOf(spec.kind().equals(JobSpec.SWEEP)
                    ? "sweep" : "train")), cmd.size())) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            Process p = new ProcessBuilder(cmd).directory(f.dir().toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(f.log().toFile())).start();
            running.put(spec.id(), new Running(f, spec, p));
            jobs.update(f, spec, status.running(p.pid(), Instant.now()));
            log.accept("job " + spec.id() + " (" + spec.kind() + " " + spec.name() + ", " + spec.user() + ") started");
        } catch (IOException e) {
            jobs.update(f, spec, status.ended(JobState.FAILED, Instant.now(), "could not start: " + e.getMessage()));
        }
    }

    private void reap() {
        for (var it = running.values().iterator(); it.hasNext(); ) {
            Running r = it.next();
            if (r.process().isAlive()) {
                continue;
            }
            it.remove();
            int code = r.process().exitValue();
            JobStatus s = r.folder().status();
            String by = cancelledBy.remove(r.spec().id());
            JobStatus end;
            if (by != null) {
                end = s.ended(JobState.CANCELLED, Instant.now(), "cancelled by " + by);
            } else if (code == 0) {
                end = s.ended(JobState.FINISHED, Instant.now(), null);
            } else {
                end = s.ended(JobState.FAILED, Instant.now(), failure(r.folder().log(), code));
            }
            jobs.update(r.folder(), r.spec(), end);
            log.accept("job " + r.spec().id() + " (" + r.spec().name() + ") " + end.state().id()
                    + (end.reason() == null ? "" : ": " + end.reason()));
        }
    }

    /** The child's own last word (pretext prints "pretext: ..." for every failure), else its exit code. */
    static String failure(Path log, int code) {
        String last = null;
        try {
            List<String> lines = tail(log, 200);
            for (String line : lines) {
                if (line.startsWith("pretext: ")) {
                    last = line.substring("pretext: ".length());
                }
            }
            if (last == null && !lines.isEmpty()) {
                last = lines.get(lines.size() - 1);
            }
        } catch (IOException e) {
            // The exit code alone then.
        }
        String exit = code == 137 ? "killed (SIGKILL: out of memory?)" : code == 143 ? "terminated (SIGTERM)"
                : "exit code " + code;
        return last == null || last.isBlank() ? exit : last.strip() + " (" + exit + ")";
    }

    /** The last lines of a file, read from its end: a log or a metrics file may be tens of megabytes. */
    static List<String> tail(Path log, int lines) throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(log.toFile(), "r")) {
            long end = raf.length();
            long start = end;
            int newlines = 0;
            byte[] buf = new byte[8192];
            // Walk back until the block holds more line ends than lines wanted (or the file's start).
            while (start > 0 && newlines <= lines) {
                int n = (int) Math.min(buf.length, start);
                start -= n;
                raf.seek(start);
                raf.readFully(buf, 0, n);
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        newlines++;
                    }
                }
            }
            byte[] bytes = new byte[(int) (end - start)];
            raf.seek(start);
            raf.readFully(bytes);
            List<String> all = new ArrayList<>(List.of(new String(bytes, StandardCharsets.UTF_8).split("\n", -1)));
            if (!all.isEmpty() && all.get(all.size() - 1).isEmpty()) {
                all.remove(all.size() - 1); // the text after the last line end
            }
            if (start > 0 && !all.isEmpty()) {
                all.remove(0); // a partial first line
            }
            return all.size() > lines ? new ArrayList<>(all.subList(all.size() - lines, all.size())) : all;
        }
    }

    /** @return false when the job has already ended */
    public synchronized boolean cancel(long id, String by) {
        JobFolder f = jobs.folder(id).orElseThrow(() -> ApiError.notFound("no job " + id));
        JobSpec spec = f.spec();
        JobStatus s = f.status();
        Running r = running.get(id);
        if (r != null) {
            cancelledBy.put(id, by);
            // SIGTERM: the run's checkpoints are written atomically, and a sweep stops its own run first.
            r.process().descendants().forEach(ProcessHandle::destroy);
            r.process().destroy();
            notifyAll();
            return true;
        }
        if (s.state() == JobState.QUEUED) {
            jobs.update(f, spec, s.ended(JobState.CANCELLED, Instant.now(), "cancelled by " + by + " before it ran"));
            return true;
        }
        return false;
    }

    /**
     * Queues an ended job again. {@code fromCheckpoint}: continue where it stopped (a sweep keeps its finished
     * runs); otherwise a recipe starts over and a sweep runs its failed runs again.
     */
    public synchronized void requeue(long id, boolean fromCheckpoint) {
        JobFolder f = jobs.folder(id).orElseThrow(() -> ApiError.notFound("no job " + id));
        JobStatus s = f.status();
        if (s.state() == JobState.QUEUED || s.state() == JobState.RUNNING) {
            throw new ApiError(409, "not_ended", "job " + id + " is " + s.state().id() + "; only an ended job can be "
                    + (fromCheckpoint ? "resumed" : "retried"));
        }
        if (fromCheckpoint && s.state() == JobState.FINISHED) {
            throw new ApiError(409, "finished", "job " + id + " finished; nothing to resume (retry runs it again)");
        }
        jobs.update(f, f.spec(), s.requeued(fromCheckpoint, !fromCheckpoint, fromCheckpoint ? "resumed" : "retried"));
        notifyAll();
    }

    public synchronized int runningCount() {
        return running.size();
    }

    /**
     * Stops scheduling and the running children; their jobs stay marked running, so that the next start of the
     * server resumes them from their checkpoints, exactly as after a crash.
     */
    @Override
    public void close() {
        stopping = true;
        synchronized (this) {
            notifyAll();
        }
        try {
            loop.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Running> left;
        synchronized (this) {
            left = new ArrayList<>(running.values());
            running.clear();
        }
        for (Running r : left) {
            r.process().descendants().forEach(ProcessHandle::destroy);
            r.process().destroy();
        }
        for (Running r : left) {
            r.process().onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> null).join();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
