package dev.pretext.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.pretext.core.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One job's folder, the source of truth about it: {@code job.json} (what was submitted), {@code status.json}
 * (where it stands), {@code files/} (the submitted YAML), {@code plugins/} (the pinned bundles), {@code log.txt}
 * (the child JVM's output) and the run or sweep folders under {@code runs/}. The index in the database is
 * rebuilt from these.
 */
public record JobFolder(Path dir) {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public Path specFile() {
        return dir.resolve("job.json");
    }

    public Path statusFile() {
        return dir.resolve("status.json");
    }

    public Path files() {
        return dir.resolve("files");
    }

    public Path plugins() {
        return dir.resolve("plugins");
    }

    public Path log() {
        return dir.resolve("log.txt");
    }

    public Path runs() {
        return dir.resolve("runs");
    }

    /** A recipe job's run folder ({@code pretext train} names it after the recipe). */
    public Path runDir(JobSpec spec) {
        return runs().resolve(spec.name());
    }

    public JobSpec spec() {
        return read(specFile(), JobSpec.class);
    }

    public JobStatus status() {
        return read(statusFile(), JobStatus.class);
    }

    void write(JobSpec spec) {
        Json.writeAtomically(specFile(), text(spec));
    }

    void write(JobStatus status) {
        Json.writeAtomically(statusFile(), text(status));
    }

    /** A folder that a submission was writing when the server died has no {@code status.json}: not a job. */
    boolean complete() {
        return Files.isRegularFile(specFile()) && Files.isRegularFile(statusFile());
    }

    static String text(Object value) {
        try {
            return MAPPER.writeValueAsString(value) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(Path file, Class<T> type) {
        try {
            return MAPPER.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
