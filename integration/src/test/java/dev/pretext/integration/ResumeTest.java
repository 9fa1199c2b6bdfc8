package dev.pretext.integration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run killed with SIGKILL and continued with {@code --resume} ends with exactly the parameters of an
 * uninterrupted run of the same recipe. Both runs are real CLI processes on the real distribution.
 */
class ResumeTest {
    @TempDir
    Path temp;

    @Test
    void killedAndResumedRunEqualsUninterruptedRun() throws Exception {
        Path recipe = temp.resolve("tiny.yaml");
        try (var in = getClass().getResourceAsStream("/recipes/tiny.yaml")) {
            Files.write(recipe, in.readAllBytes());
        }
        Path cache = temp.resolve("cache");

        Process whole = start(cache, "train", recipe.toString(), "--runs", temp.resolve("a").toString());
        assertEquals(0, finish(whole), "the uninterrupted run failed");
        Path finalA = temp.resolve("a/tiny/checkpoints/step-00000040");
        assertTrue(Files.isDirectory(finalA));

        Process killed = start(cache, "train", recipe.toString(), "--runs", temp.resolve("b").toString());
        Path firstCheckpoint = temp.resolve("b/tiny/checkpoints/step-00000004");
        long deadline = System.currentTimeMillis() + 120_000;
        while (!Files.isDirectory(firstCheckpoint) && killed.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        killed.destroyForcibly(); // SIGKILL: no shutdown hooks, no chance to tidy up
        killed.waitFor(30, TimeUnit.SECONDS);
        assertTrue(Files.isDirectory(firstCheckpoint), "the run never reached its first checkpoint");
        assertTrue(!Files.exists(temp.resolve("b/tiny/checkpoints/step-00000040")),
                "the run finished before it could be killed; the test proves nothing");

        Process resumed = start(cache, "train", recipe.toString(), "--resume", temp.resolve("b/tiny").toString());
        assertEquals(0, finish(resumed), "the resumed run failed");
        Path finalB = temp.resolve("b/tiny/checkpoints/step-00000040");
        assertArrayEquals(Files.readAllBytes(finalA.resolve("model.ndlist")),
                Files.readAllBytes(finalB.resolve("model.ndlist")), "parameters differ after resume");
        assertArrayEquals(Files.readAllBytes(finalA.resolve("optimizer.ndlist")),
                Files.readAllBytes(finalB.resolve("optimizer.ndlist")), "optimizer state differs after resume");
        List<String> stepsB = Files.readAllLines(temp.resolve("b/tiny/metrics.jsonl"));
        assertEquals(40, stepsB.size(), "each step logged exactly once");
        assertEquals(lossAt(temp.resolve("a/tiny/metrics.jsonl"), 40), lossAt(temp.resolve("b/tiny/metrics.jsonl"), 40));
    }

    private static String lossAt(Path metrics, int step) throws IOException {
        return Files.readAllLines(metrics).stream().filter(l -> l.startsWith("{\"step\":" + step + ","))
                .map(l -> l.replaceAll(".*\"loss\":([^,]+),.*", "$1")).findFirst().orElseThrow();
    }

    private Process start(Path cache, String... args) throws IOException {
        Path dist = Dist.root();
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dpretext.dist=" + dist,
                "-cp", dist.resolve("lib") + File.separator + "*", "dev.pretext.launcher.Main",
                "--cache", cache.toString()));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(temp.resolve("log-" + System.nanoTime() + ".txt").toFile());
        pb.environment().put("OPT_OUT_TRACKING", "true");
        return pb.start();
    }

    private static int finish(Process p) throws InterruptedException {
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
