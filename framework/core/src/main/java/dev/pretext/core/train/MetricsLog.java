package dev.pretext.core.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pretext.core.Json;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code metrics.jsonl}: one JSON object per optimizer step, appended and flushed as the run goes. */
public final class MetricsLog implements AutoCloseable {
    private final BufferedWriter out;

    private MetricsLog(BufferedWriter out) {
        this.out = out;
    }

    /**
     * Opens the log for appending. On resume, lines for steps after {@code keepThroughStep} (written after the
     * checkpoint the run resumes from) are dropped first, so every step appears once.
     */
    public static MetricsLog open(Path file, long keepThroughStep) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (keepThroughStep >= 0 && Files.exists(file)) {
                List<String> kept = new ArrayList<>();
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        long step = Json.COMPACT.readTree(line).path("step").asLong(Long.MAX_VALUE);
                        if (step <= keepThroughStep) {
                            kept.add(line);
                        }
                    } catch (IOException e) {
                        // A line cut by a crash: drop it.
                    }
                }
                Files.write(file, kept, StandardCharsets.UTF_8);
            }
            return new MetricsLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
    }

    /** The {@code loss} of the log's last step, or NaN when there is no log, no step or its line is damaged. */
    public static double lastLoss(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    JsonNode loss = Json.COMPACT.readTree(lines.get(i)).get("loss");
                    return loss != null && loss.isNumber() ? loss.asDouble() : Double.NaN;
                }
            }
        } catch (IOException e) {
            // no log, or a line cut by a crash: no loss to report
        }
        return Double.NaN;
    }

    public void write(Map<String, Object> record) {
        try {
            out.write(Json.COMPACT.writeValueAsString(record));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
