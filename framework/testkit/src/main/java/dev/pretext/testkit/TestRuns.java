package dev.pretext.testkit;

import ai.djl.Device;
import dev.pretext.api.RunContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Run contexts for tests: CPU, a given seed, folders under a JUnit temp dir. */
public final class TestRuns {
    private TestRuns() {
    }

    public static RunContext context(Path tempDir, long seed) {
        try {
            Path run = Files.createDirectories(tempDir.resolve("run"));
            Path cache = Files.createDirectories(tempDir.resolve("cache"));
            return new RunContext(seed, run, cache, Device.cpu());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
