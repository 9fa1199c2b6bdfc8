package dev.pretext.core.sweep;

import dev.pretext.core.TrainingFlops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThroughputTest {
    @TempDir
    Path cache;

    @Test
    void estimatesComeFromRunsOfTheSameKindOfDeviceNearestInSize() throws Exception {
        Throughput t = new Throughput(cache);
        assertFalse(t.estimate(1_000_000).measured(), "nothing recorded: the planner's assumption");
        assertEquals(TrainingFlops.ASSUMED_PER_SECOND, t.estimate(1_000_000, "gpu").flopsPerSecond());

        t.record(1_000_000, 5e10, 1, "cpu");
        t.record(10_000_000, 8e10, 1, "cpu");
        t.record(10_000_000, 7e12, 1, "gpu:0");
        assertEquals(5e10, t.estimate(1_200_000).flopsPerSecond(), "the nearest CPU run");
        assertEquals(8e10, t.estimate(9_000_000, "cpu").flopsPerSecond());
        Throughput.Rate gpu = t.estimate(1_000_000, "gpu:1");
        assertTrue(gpu.measured());
        assertEquals(7e12, gpu.flopsPerSecond(), "a GPU estimate uses only GPU runs, of any index");

        // A record written before devices were recorded was a CPU run.
        Files.writeString(cache.resolve("throughput.jsonl"), "{\"parameters\":2000000,\"flops_per_second\":6.0E10,"
                + "\"cores\":" + Runtime.getRuntime().availableProcessors() + "}\n");
        assertEquals(6e10, new Throughput(cache).estimate(2_000_000, "cpu").flopsPerSecond());
        assertFalse(new Throughput(cache).estimate(2_000_000, "gpu").measured());
    }
}
