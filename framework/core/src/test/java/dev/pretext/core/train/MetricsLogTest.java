package dev.pretext.core.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsLogTest {
    @Test
    void resumingDropsStepsAfterTheCheckpointAndCutLines(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.open(file, -1)) {
            for (int s = 1; s <= 6; s++) {
                log.write(Map.of("step", s, "loss", 1.0 / s));
            }
        }
        Files.writeString(file, "{\"step\": 7, \"lo", java.nio.file.StandardOpenOption.APPEND);
        try (MetricsLog log = MetricsLog.open(file, 4)) {
            log.write(Map.of("step", 5, "loss", 0.5));
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(5, lines.size());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), lines.stream()
                .map(l -> l.replaceAll(".*\"step\":(\\d+).*", "$1")).map(Long::parseLong).toList());
    }

    @Test
    void theLastLossIsTheLastStepsOrNaN(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        assertTrue(Double.isNaN(MetricsLog.lastLoss(file)), "no log");
        try (MetricsLog log = MetricsLog.open(file, -1)) {
            log.write(Map.of("step", 1, "loss", 0.75));
            log.write(Map.of("step", 2, "loss", 0.25));
        }
        assertEquals(0.25, MetricsLog.lastLoss(file));
        Files.writeString(file, "{\"step\": 3, \"lo", java.nio.file.StandardOpenOption.APPEND);
        assertTrue(Double.isNaN(MetricsLog.lastLoss(file)), "a line cut by a crash");
    }
}
