package dev.pretext.testkit;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Real mounts for tests of the user's own situation: as root, file permissions do not stop writes, so a
 * read-only or full disk has to be a real file system. Tests are skipped, saying why, where mount is not
 * permitted.
 */
public final class Mounts {
    private Mounts() {
    }

    /** Mounts a tmpfs with {@code options} (e.g. {@code ro} or {@code size=1m}) on {@code dir}. */
    public static void tmpfs(Path dir, String options) throws IOException, InterruptedException {
        String out = run("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString());
        Assumptions.assumeTrue(out == null, "mount -t tmpfs is not permitted here (needs root or CAP_SYS_ADMIN): "
                + out);
    }

    /** Shows {@code source} at {@code dir} read-only (a bind mount, remounted read-only). */
    public static void readOnlyBind(Path source, Path dir) throws IOException, InterruptedException {
        String out = run("mount", "--bind", source.toString(), dir.toString());
        Assumptions.assumeTrue(out == null, "mount --bind is not permitted here (needs root or CAP_SYS_ADMIN): "
                + out);
        String ro = run("mount", "-o", "remount,bind,ro", dir.toString());
        if (ro != null) {
            unmount(dir);
            Assumptions.assumeTrue(false, "a read-only remount is not permitted here: " + ro);
        }
    }

    public static void unmount(Path dir) throws IOException, InterruptedException {
        String out = run("umount", dir.toString());
        if (out != null) {
            throw new IllegalStateException("umount " + dir + ": " + out);
        }
    }

    /** Null on success, else what the command said. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return p.waitFor() == 0 ? null : "exit " + p.exitValue() + ": " + out;
    }
}
