package dev.pretext.bench.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real {@code pretext serve} started through the repository's {@code ./pretext}, its output in a log file. */
final class ServeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://[0-9.:\\[\\]]+)");
    private static final Pattern TOKEN = Pattern.compile("(ptx_[A-Za-z0-9_-]+)");

    private final Process process;
    private final Path log;
    private final String url;

    private ServeProcess(Process process, Path log, String url) {
        this.process = process;
        this.log = log;
        this.url = url;
    }

    /** {@code pretext serve --home HOME --add-user NAME --admin}: the token it prints once. */
    static String addAdmin(Path root, Path home, String name, Path log) throws IOException, InterruptedException {
        Process p = pretext(root, log, "serve", "--home", home.toString(), "--add-user", name, "--admin");
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("pretext serve --add-user failed:\n" + Files.readString(log));
        }
        Matcher t = TOKEN.matcher(Files.readString(log));
        if (!t.find()) {
            throw new IllegalStateException("pretext serve --add-user printed no token:\n" + Files.readString(log));
        }
        return t.group(1);
    }

    /** Starts the server on a free loopback port, one job at a time, and waits until it listens. */
    static ServeProcess start(Path root, Path home, Path log) throws IOException, InterruptedException {
        Process p = pretext(root, log, "serve", "--home", home.toString(), "--port", "0", "--max-jobs", "1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return new ServeProcess(p, log, m.group(1));
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("pretext serve exited (" + p.exitValue() + "):\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        stop(p);
        throw new IllegalStateException("pretext serve did not listen within 5 minutes:\n" + Files.readString(log));
    }

    String url() {
        return url;
    }

    /** The server's own output so far. */
    String log() throws IOException {
        return Files.readString(log);
    }

    /**
     * SIGTERM (its shutdown hook stops the scheduler and any job's child JVM), then SIGKILL for whatever is left
     * after a minute.
     */
    @Override
    public void close() throws InterruptedException {
        stop(process);
    }

    private static void stop(Process p) throws InterruptedException {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        for (ProcessHandle c : children) {
            if (c.isAlive()) {
                c.destroyForcibly();
            }
        }
    }

    private static Process pretext(Path root, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(root.resolve("pretext").toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }
}
