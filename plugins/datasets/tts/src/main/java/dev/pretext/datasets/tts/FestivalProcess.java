package dev.pretext.datasets.tts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One long-lived {@code festival --pipe} (starting one costs about 0.3 s, a diphone sentence 10 ms), fed Scheme
 * on stdin. Every request ends with a numbered marker that festival prints and flushes (its stdout is fully
 * buffered on a pipe); the answer is what it printed before the marker. A process that died while idle is
 * started again; one that dies or hangs during a request is killed, the request fails, and the next request
 * starts a new one. Not thread-safe: {@link FestivalEngine} lends each process to one call at a time.
 */
final class FestivalProcess implements AutoCloseable {
    /** Stands for the end of festival's stdout in the line queue. */
    private static final String EOF = new String("end of stream");
    /** Starting festival and reading this takes well under a second; a minute means something is wrong. */
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final String READY = "pretext-ready";

    private final String setup;
    private Process process;
    private Writer stdin;
    private BlockingQueue<String> lines;
    private Subprocess.Drain stderr;
    private long requests;

    /** @param setup Scheme evaluated once in every new process (definitions the requests use) */
    FestivalProcess(String setup) {
        this.setup = setup;
    }

    /**
     * Evaluates {@code scheme} (which should print its result) and returns the lines it printed.
     *
     * @param what names the engine, voice and text in failure messages
     */
    List<String> run(String scheme, String what, Duration timeout) throws IOException {
        if (process == null || !process.isAlive()) {
            kill();
            start(what);
        }
        String marker = "pretext-end-" + (++requests);
        send(scheme + "\n(format t \"\\n" + marker + "\\n\")\n(fflush nil)\n", what);
        return await(marker, what, timeout, "speaking");
    }

    /** The running process, for tests that kill it. */
    Optional<ProcessHandle> handle() {
        Process p = process;
        return p == null ? Optional.empty() : Optional.of(p.toHandle());
    }

    /** What festival wrote to stderr lately (its errors: "SIOD ERROR: ..."), after letting the reader catch up. */
    String errors() {
        if (stderr == null) {
            return "";
        }
        try {
            Thread.sleep(50); // festival writes stderr unbuffered before the marker, but our reader may lag
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return stderr.now().trim();
    }

    private void start(String what) throws IOException {
        try {
            process = new ProcessBuilder("festival", "--pipe").start();
        } catch (IOException e) {
            process = null;
            throw new IOException(what + ": cannot start festival (" + e.getMessage() + ")", e);
        }
        // Both outputs are read all the time so festival never blocks on a full pipe (it writes ALSA noise).
        stderr = new Subprocess.Drain(process.getErrorStream(), 4000, "festival stderr");
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        lines = queue;
        Process p = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    queue.add(line);
                }
            } catch (IOException e) {
                // killed: the queue's end says so
            } finally {
                queue.add(EOF);
            }
        }, "festival stdout reader");
        reader.setDaemon(true);
        reader.start();
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        send(setup + "\n(format t \"\\n" + READY + "\\n\")\n(fflush nil)\n", what);
        await(READY, what, STARTUP, "starting");
    }

    private void send(String scheme, String what) throws IOException {
        try {
            stdin.write(scheme);
            stdin.flush();
        } catch (IOException e) {
            String status = exitStatus();
            kill();
            throw new IOException(what + ": festival " + status + " (" + e.getMessage() + ")" + stderrNote(), e);
        }
    }

    private List<String> await(String marker, String what, Duration timeout, String doing) throws IOException {
        List<String> answer = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line;
            try {
                line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                kill();
                Thread.currentThread().interrupt();
                throw new IOException(what + ": interrupted while festival was " + doing, e);
            }
            if (line == null) {
                String note = stderrNote();
                kill();
                throw new IOException(what + ": festival did not answer within " + timeout.toMillis()
                        + " ms while " + doing + "; it was killed and will be restarted" + note);
            }
            if (line == EOF) { // identity: the sentinel, not a line that happens to read the same
                String status = exitStatus();
                String note = stderrNote();
                kill();
                throw new IOException(what + ": festival " + status + " while " + doing
                        + "; it will be restarted" + note);
            }
            if (line.equals(marker)) {
                return answer;
            }
            answer.add(line);
        }
    }

    private String exitStatus() {
        try {
            if (process != null && process.waitFor(2, TimeUnit.SECONDS)) {
                return "exited with code " + process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "stopped reading its input";
    }

    private String stderrNote() {
        String errors = errors();
        return errors.isEmpty() ? "" : "; festival said: " + errors;
    }

    private void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        process = null;
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            try {
                stdin.write("(quit)\n");
                stdin.close();
                process.waitFor(2, TimeUnit.SECONDS);
            } catch (IOException e) {
                // already gone: kill() below tidies up
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        kill();
    }
}
