package dev.pretext.core.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
