package dev.pretext.integration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, item 9: the framework's storage folder of a killed pretext (megabytes in the temporary folder) is
 * removed by the next start, and a running host's folder is not touched. Real hosts in child JVMs that share a
 * temporary folder.
 */
class LeftoversTest {
    @TempDir
    Path temp;

    private ProcessBuilder host(String mode) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dai.djl.offline=true", "-Dpretext.dist=" + Dist.root(), "-Djava.io.tmpdir=" + temp.resolve("tmp"),
                HostChild.class.getName(), temp.resolve("plugins").toString(), temp.resolve("host.log").toString(), mode))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
    }

    private static String firstLine(Process p) throws Exception {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    private List<Path> storageOf(long pid) throws Exception {
        try (var list = Files.list(temp.resolve("tmp"))) {
            return list.filter(p -> p.getFileName().toString().startsWith("pretext-host-" + pid + "-")).toList();
        }
    }

    private static long bytes(Path dir) throws Exception {
        try (var walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Test
    void theNextStartRemovesTheFolderOfAKilledHostAndKeepsARunningOne() throws Exception {
        Files.createDirectories(temp.resolve("tmp"));
        Files.createDirectories(temp.resolve("plugins"));
        Files.copy(Dist.bundle("pretext-augment-gain"), temp.resolve("plugins/gain.jar"));
        Process killed = host("wait").start();
        Process running = host("wait").start();
        try {
            assertEquals("started with 1 plugins", firstLine(killed));
            assertEquals("started with 1 plugins", firstLine(running));
            killed.destroyForcibly();   // SIGKILL: nothing of its own clean-up runs
            assertTrue(killed.waitFor(30, TimeUnit.SECONDS));
            List<Path> left = storageOf(killed.pid());
            assertEquals(1, left.size(), "a killed host leaves its folder");
            assertTrue(bytes(left.get(0)) > 100_000, "the framework's cache is in it: " + bytes(left.get(0)));

            Process next = host("exit").start();
            assertEquals("started with 1 plugins", firstLine(next));
            assertTrue(next.waitFor(2, TimeUnit.MINUTES));
            assertEquals(0, next.exitValue());

            assertFalse(Files.exists(left.get(0)), "the next start removed " + left.get(0));
            assertEquals(1, storageOf(running.pid()).size(), "the running host keeps its folder");
            assertEquals(List.of(), storageOf(next.pid()), "a host that exits removes its own");
        } finally {
            killed.destroyForcibly();
            running.destroyForcibly();
            running.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
