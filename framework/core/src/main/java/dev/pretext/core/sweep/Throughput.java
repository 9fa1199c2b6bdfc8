package dev.pretext.core.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pretext.core.Json;
import dev.pretext.core.TrainingFlops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Training speed measured on this machine (FLOPs per second of finished runs, by model size), kept in the cache
 * folder, so that a sweep's dry run estimates wall time from what this machine did rather than a guess. Narrow
 * models run fewer FLOPs per second than wide ones, so the estimate takes the run nearest in size.
 */
public final class Throughput {
    public record Rate(double flopsPerSecond, boolean measured, long parameters) {
    }

    private final Path file;

    public Throughput(Path cacheDir) {
        this.file = cacheDir.resolve("throughput.jsonl");
    }

    public void record(long parameters, double flops, double seconds) {
        record(parameters, flops, seconds, "cpu");
    }

    /**
     * Records a finished run's speed.
     *
     * @param device the device it trained on ({@code cpu}, {@code gpu:0}, ...): a GPU's speed says nothing about
     *               the CPU's, so estimates use runs of the same kind of device only
     */
    public void record(long parameters, double flops, double seconds, String device) {
        if (parameters <= 0 || !(flops > 0) || !(seconds > 0)) {
            return;
        }
        String line = "{\"parameters\":" + parameters + ",\"flops_per_second\":" + (flops / seconds) + ",\"cores\":"
                + Runtime.getRuntime().availableProcessors() + ",\"device\":\"" + kind(device) + "\"}\n";
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // Only an estimate is lost.
        }
    }

    /** {@link #estimate(long, String)} on the CPU. */
    public Rate estimate(long parameters) {
        return estimate(parameters, "cpu");
    }

    /** {@code cpu} or {@code gpu}: what a device name is, for comparing speeds. */
    static String kind(String device) {
        return device != null && device.startsWith("gpu") ? "gpu" : "cpu";
    }

    /**
     * The rate of the recorded run nearest in size (log scale) on the same kind of device (records written before
     * devices were recorded are CPU runs), or the planner's assumed rate.
     */
    public Rate estimate(long parameters, String device) {
        List<JsonNode> records = new ArrayList<>();
        try {
            if (Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    try {
                        JsonNode n = Json.MAPPER.readTree(line);
                        if (n.path("cores").asInt() == Runtime.getRuntime().availableProcessors()
                                && n.path("flops_per_second").asDouble() > 0
                                && kind(n.path("device").asText("cpu")).equals(kind(device))) {
                            records.add(n);
                        }
                    } catch (IOException e) {
                        // A torn line from a killed writer: skip it.
                    }
                }
            }
        } catch (IOException e) {
            records.clear();
        }
        JsonNode best = null;
        double distance = Double.MAX_VALUE;
        for (int i = records.size() - 1; i >= 0; i--) {
            JsonNode n = records.get(i);
            double d = Math.abs(Math.log((double) Math.max(1, n.path("parameters").asLong())) - Math.log((double) Math.max(1, parameters)));
            if (d < distance) {
                distance = d;
                best = n;
            }
        }
        return best == null ? new Rate(TrainingFlops.ASSUMED_PER_SECOND, false, 0)
                : new Rate(best.path("flops_per_second").asDouble(), true, best.path("parameters").asLong());
    }
}
