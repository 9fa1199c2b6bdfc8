package dev.pretext.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One trained run as the server's run index holds it, read from its run folder (manifest.json, probes.json), so
 * that runs of every job and sweep can be listed and compared side by side.
 *
 * @param folder the run folder relative to the job folder (runs/NAME or runs/SWEEP/runs/RUN)
 * @param score  the pre-trained encoder's overall probe score (null before probing or without probes)
 */
public record RunSummary(long job, String run, String folder, String objective, String encoder, Long parameters,
                         Double flops, Long steps, Double finalLoss, Double score, Double scoreStd) {

    /** The run folders a job has written so far: its one run, or each run of its sweep. */
    static List<Path> runDirs(JobFolder f, JobSpec spec) {
        if (JobSpec.RECIPE.equals(spec.kind())) {
            return List.of(f.runDir(spec));
        }
        List<Path> dirs = new ArrayList<>();
        Path runs = f.runs().resolve(spec.name()).resolve("runs");
        if (Files.isDirectory(runs)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(runs, Files::isDirectory)) {
                ds.forEach(dirs::add);
            } catch (IOException e) {
                // Being written: the next indexing finds them.
            }
        }
        dirs.sort(null);
        return dirs;
    }

    /** The job's trained runs (those with a manifest that records training). */
    static List<RunSummary> of(JobFolder f, JobSpec spec) {
        List<RunSummary> out = new ArrayList<>();
        for (Path dir : runDirs(f, spec)) {
            read(spec.id(), f.dir(), dir).ifPresent(out::add);
        }
        return out;
    }

    static Optional<RunSummary> read(long job, Path jobDir, Path dir) {
        JsonNode manifest = json(dir.resolve("manifest.json"));
        if (manifest == null || !manifest.has("training")) {
            return Optional.empty();
        }
        JsonNode training = manifest.get("training");
        String objective = null;
        String encoder = null;
        for (JsonNode c : manifest.path("components")) {
            String slot = c.path("slot").asText();
            if (slot.equals("objective")) {
                objective = c.path("type").asText(null);
            } else if (slot.equals("encoder")) {
                encoder = c.path("type").asText(null);
            }
        }
        JsonNode probes = json(dir.resolve("probes.json"));
        Double score = probes == null ? null : number(probes.path("overall_score").get("pretrained"));
        Double scoreStd = probes == null ? null : number(probes.path("overall_score_std").get("pretrained"));
        return Optional.of(new RunSummary(job, dir.getFileName().toString(),
                jobDir.relativize(dir).toString().replace('\\', '/'), objective, encoder,
                manifest.hasNonNull("parameters") ? manifest.get("parameters").asLong() : null,
                number(training.get("flops")), training.hasNonNull("steps") ? training.get("steps").asLong() : null,
                number(training.get("final_loss")), score, scoreStd));
    }

    private static Double number(JsonNode n) {
        return n == null || !n.isNumber() || !Double.isFinite(n.asDouble()) ? null : n.asDouble();
    }

    private static JsonNode json(Path file) {
        try {
            return Files.isRegularFile(file) ? JobFolder.MAPPER.readTree(file.toFile()) : null;
        } catch (IOException e) {
            return null; // being rewritten, or damaged: left out until it reads
        }
    }
}
