package dev.pretext.integration;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real {@code pretext serve} in its own JVM, started from the distribution, its output in a log file. */
final class ServeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://[0-9.:]+)");
    private static final Pattern TOKEN = Pattern.compile("(ptx_[A-Za-z0-9_-]+)");

    private final Process process;
    private final Path log;
    private final String url;

    private ServeProcess(Process process, Path log, String url) {
        this.process = process;
        this.log = log;
        this.url = url;
    }

    /** {@code pretext serve --add-user NAME}: the token it prints once. */
    static String addUser(Path cache, Path home, String name, Path log) throws Exception {
        Process p = java(cache, log, "serve", "--home", home.toString(), "--add-user", name, "--admin");
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError("--add-user failed: " + Files.readString(log));
        }
        Matcher t = TOKEN.matcher(Files.readString(log));
        if (!t.find()) {
            throw new AssertionError("no token printed: " + Files.readString(log));
        }
        return t.group(1);
    }

    /** Starts the server on a free loopback port and waits until it listens. */
    static ServeProcess start(Path cache, Path home, Path log) throws Exception {
        Process p = java(cache, log, "serve", "--home", home.toString(), "--port", "0");
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            String out = Files.exists(log) ? Files.readString(log) : "";
            Matcher m = LISTENING.matcher(out);
            if (m.find()) {
                return new ServeProcess(p, log, m.group(1));
            }
            if (!p.isAlive()) {
                throw new AssertionError("the server exited: " + out);
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new AssertionError("the server did not listen within 2 minutes: " + Files.readString(log));
    }

    /**
     * The tiny test recipe (recipes/tiny.yaml) with some of its text replaced, pairs of (old, new); a pair whose
     * old text is not there fails, so that an edit of tiny.yaml cannot silently change what a test submits.
     */
    static String tinyRecipe(String... replacements) throws IOException {
        String text;
        try (var in = ServeProcess.class.getResourceAsStream("/recipes/tiny.yaml")) {
            text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        for (int i = 0; i < replacements.length; i += 2) {
            if (!text.contains(replacements[i])) {
                throw new AssertionError("recipes/tiny.yaml has no '" + replacements[i] + "' to replace");
            }
            text = text.replace(replacements[i], replacements[i + 1]);
        }
        return text;
    }

    String url() {
        return url;
    }

    Process process() {
        return process;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGKILL, as a crash or the out-of-memory killer would: no shutdown hooks run. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        kill();
    }

    private static Process java(Path cache, Path log, String... args) throws IOException {
        Path dist = Dist.root();
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dpretext.dist=" + dist, "-Xmx1g",
                "-cp", dist.resolve("lib") + File.separator + "*", "dev.pretext.launcher.Main",
                "--cache", cache.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OPT_OUT_TRACKING", "true");
        return pb.start();
    }
}
