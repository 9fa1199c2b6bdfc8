package dev.pretext.launcher;

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

/** Storage folders of killed hosts are removed by a later start; folders of running hosts are not. */
class HostStorageTest {
    @TempDir
    Path tmp;

    private Process child() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                HostStorageChild.class.getName(), tmp.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static Path folderOf(Process p) throws Exception {
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertTrue(line != null, "the child said nothing");
        return Path.of(line);
    }

    @Test
    void theFolderOfAKilledProcessIsRemovedAndThatOfARunningOneKept() throws Exception {
        Process killed = child();
        Process running = child();
        try {
            Path killedDir = folderOf(killed);
            Path runningDir = folderOf(running);
            assertTrue(killedDir.getFileName().toString().startsWith("pretext-host-" + killed.pid() + "-"),
                    "named with the pid: " + killedDir);
            killed.destroyForcibly();   // SIGKILL: no shutdown hook, no clean-up of its own
            assertTrue(killed.waitFor(30, TimeUnit.SECONDS));
            assertTrue(Files.isRegularFile(killedDir.resolve("cache.bin")), "a kill leaves the folder behind");

            List<Path> removed = HostStorage.removeAbandoned(tmp);

            assertEquals(List.of(killedDir), removed);
            assertFalse(Files.exists(killedDir));
            assertTrue(Files.isRegularFile(runningDir.resolve("cache.bin")), "a running host keeps its folder");
        } finally {
            killed.destroyForcibly();
            running.destroyForcibly();
            running.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aHostOfThisProcessKeepsItsFolderAndRemovesItOnClose() throws Exception {
        Path dir;
        try (HostStorage storage = HostStorage.create(tmp)) {
            dir = storage.dir();
            assertEquals(List.of(), HostStorage.removeAbandoned(tmp));
            assertEquals(List.of(), HostStorage.removeAbandoned(tmp), "twice: the first look kept the lock");
            assertTrue(Files.isDirectory(dir));
        }
        assertFalse(Files.exists(dir));
    }
}
