package dev.pretext.integration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pretext sweep} as a user runs it, real CLI processes on the real distribution: a sweep of two sizes of
 * the tiny recipe and a run whose data folder is empty. The failed run is recorded and the others go on; run
 * again, nothing trains; killed with SIGKILL in the middle of a run and run again, its results.csv equals the
 * uninterrupted sweep's byte for byte.
 */
class SweepTest {
    @TempDir
    Path temp;

    @Test
    void aSweepFinishesKeepsAndResumesToTheSameResults() throws Exception {
        Path sweep = layout();
        Path cache = temp.resolve("cache");

        Result whole = run(cache, "sweep", sweep.toString(), "--runs", "a");
        assertEquals(1, whole.exit, "a sweep with a failed run exits 1:\n" + whole.out);
        Path a = temp.resolve("a/tiny");
        List<String> csv = Files.readAllLines(a.resolve("results.csv"));
        assertEquals(5, csv.size(), "a header and four runs:\n" + String.join("\n", csv));
        assertTrue(csv.get(1).startsWith("ok-layers1,finished,"), csv.get(1));
        assertTrue(csv.get(2).startsWith("ok-layers2,finished,"), csv.get(2));
        assertTrue(csv.get(3).startsWith("broken-layers1,failed,") && csv.get(3).contains("has no utterances"),
                "the failed run's reason is recorded: " + csv.get(3));
        // The features baseline is the same for both sizes: probed by the first run only, shared with the second.
        String plan = Files.readString(a.resolve("plan.json"));
        assertTrue(plan.replaceAll("\\s", "").contains("\"baselines_from\":{\"features\":\"ok-layers1\","
                + "\"random\":\"ok-layers2\"}"), plan);
        assertFalse(Files.readString(a.resolve("runs/ok-layers2/probes.json")).contains("\"features\""),
                "the second run probed the shared baseline again");
        String header = csv.get(0);
        int featuresColumn = Arrays.asList(header.split(",")).indexOf("features.speakers.accuracy.mean");
        assertTrue(featuresColumn > 0, header);
        assertEquals(csv.get(1).split(",")[featuresColumn], csv.get(2).split(",")[featuresColumn]);

        FileTime before = Files.getLastModifiedTime(a.resolve("runs/ok-layers1/report.md"));
        Result again = run(cache, "sweep", sweep.toString(), "--runs", "a");
        assertTrue(again.out.contains("ran 0 now, kept 4"), again.out);
        assertEquals(before, Files.getLastModifiedTime(a.resolve("runs/ok-layers1/report.md")));
        assertEquals(csv, Files.readAllLines(a.resolve("results.csv")));

        // A better probe must not cost the training again: with only the probes block changed, the finished runs
        // are probed again from their checkpoints and the earlier results are kept.
        Path reprobed = sweep.resolveSibling("reprobe.yaml");
        Files.writeString(reprobed, Files.readString(sweep).replace("probes: {tasks: [{type: speakers}]",
                "probes: {tasks: [{type: speakers, epochs: 30}]"));
        String metricsBefore = Files.readString(a.resolve("runs/ok-layers1/metrics.jsonl"));
        Result probedAgain = run(cache, "sweep", reprobed.toString(), "--runs", "a");
        assertTrue(probedAgain.out.contains("only the probes changed for ok-layers1, ok-layers2"), probedAgain.out);
        assertTrue(probedAgain.out.contains("ran 2 now, kept 2"), probedAgain.out); // the failed runs are kept as failed
        assertEquals(metricsBefore, Files.readString(a.resolve("runs/ok-layers1/metrics.jsonl")),
                "probing again trained the run further");
        assertTrue(Files.readString(a.resolve("logs/ok-layers1.log")).contains("probed under the new block"));
        assertTrue(Files.readString(a.resolve("runs/ok-layers1/recipe.yaml")).contains("epochs: 30"));
        try (var aside = Files.list(a.resolve("runs/ok-layers1/replaced"))) {
            Path earlier = aside.findFirst().orElseThrow();
            assertTrue(Files.isRegularFile(earlier.resolve("probes.json")), "the earlier probe results are kept");
            assertFalse(Files.readString(earlier.resolve("recipe.yaml")).contains("epochs: 30"));
        }
        List<String> reprobedCsv = Files.readAllLines(a.resolve("results.csv"));
        int lossColumn = Arrays.asList(header.split(",")).indexOf("final_loss");
        assertEquals(csv.get(1).split(",")[lossColumn], reprobedCsv.get(1).split(",")[lossColumn]);
        assertTrue(reprobedCsv.get(2).startsWith("ok-layers2,finished,"), reprobedCsv.get(2));

        Process killed = start(cache, "sweep", sweep.toString(), "--runs", "b");
        Path checkpoint = temp.resolve("b/tiny/runs/ok-layers2/checkpoints/step-00000004");
        long deadline = System.currentTimeMillis() + 300_000;
        while (!Files.isDirectory(checkpoint) && killed.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        killed.destroyForcibly(); // SIGKILL: the sweep gets no chance to stop its child itself
        killed.waitFor(30, TimeUnit.SECONDS);
        assertTrue(Files.isDirectory(checkpoint), "the second run never reached its first checkpoint");
        Path log = temp.resolve("b/tiny/logs/ok-layers2.log");
        deadline = System.currentTimeMillis() + 30_000;
        String gone = "the sweep or server that started this run is gone";
        while (!Files.readString(log, StandardCharsets.UTF_8).contains(gone)
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(Files.readString(log).contains(gone),
                "the run went on without its sweep:\n" + Files.readString(log));
        assertFalse(Files.exists(temp.resolve("b/tiny/runs/ok-layers2/report.md")),
                "the run finished before it could be killed; the test proves nothing");

        Result resumed = run(cache, "sweep", sweep.toString(), "--runs", "b");
        assertTrue(resumed.out.contains("ok-layers2: resuming from its checkpoint"), resumed.out);
        // Against the uninterrupted sweep's results before its runs were probed again above.
        assertEquals(csv, Files.readAllLines(temp.resolve("b/tiny/results.csv")),
                "a killed and continued sweep differs from the uninterrupted one");
    }

    @Test
    void aMistakeInOneRunIsFoundBeforeAnythingTrainsAtTheAxisLine() throws Exception {
        Path sweep = layout();
        Files.writeString(sweep, Files.readString(sweep).replace("encoder.layers: [1, 2]",
                "encoder.layers: [1, 2]\n  encoder.dim: [32, 33]"));
        Result r = run(temp.resolve("cache"), "sweep", sweep.toString(), "--runs", "c");
        assertEquals(2, r.exit, r.out);
        assertTrue(r.out.contains("tiny.yaml:12: grid.encoder.dim: run ok-layers1-dim33:"), r.out);
        assertFalse(r.out.contains("at dev.pretext"), "no stack trace for a user mistake:\n" + r.out);
        assertFalse(Files.exists(temp.resolve("c/tiny/runs")), "nothing may train when one run is wrong");
    }

    @Test
    void aRunThatFailsHandsTheBaselineItWasToProbeToTheNextRun() throws Exception {
        layout();
        // Without global statistics the features baseline does not depend on the training data: both runs share it.
        Path sweep = temp.resolve("sweeps/handover.yaml");
        Files.writeString(sweep, """
                name: handover
                base: ../recipes/tiny.yaml
                set:
                  feature_norm: {mode: none}
                  data.probe: {type: tts, minutes: 0.5, speakers: 2, seed: 2}
                  probes: {tasks: [{type: speakers}], baselines: [features]}
                runs:
                  - {name: broken, data.train: {type: wavdir, root: empty}}
                  - {name: ok}
                """);
        Result r = run(temp.resolve("cache"), "sweep", sweep.toString(), "--runs", "d");
        assertEquals(1, r.exit, r.out);
        assertTrue(r.out.contains("ok takes over the features baseline from broken, which failed"), r.out);
        Path dir = temp.resolve("d/handover");
        assertTrue(Files.readString(dir.resolve("runs/ok/probes.json")).contains("\"features\""),
                "the run that took the baseline over did not probe it");
        List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
        int features = Arrays.asList(csv.get(0).split(",")).indexOf("features.speakers.accuracy.mean");
        assertTrue(features > 0, csv.get(0));
        assertTrue(csv.get(2).startsWith("ok,finished,") && !csv.get(2).split(",")[features].isEmpty(), csv.get(2));

        // Run again: the owner recorded stays, nothing trains, the failed run is not given its baseline back.
        Result again = run(temp.resolve("cache"), "sweep", sweep.toString(), "--runs", "d");
        assertTrue(again.out.contains("ran 0 now, kept 2"), again.out);
        assertTrue(Files.readString(dir.resolve("baseline-owners.json")).contains("\"ok\""),
                Files.readString(dir.resolve("baseline-owners.json")));
        assertEquals(csv, Files.readAllLines(dir.resolve("results.csv")));
    }

    /** The sweep file in sweeps/, the base recipe in recipes/ beside it, and the empty data folder. */
    private Path layout() throws IOException {
        Files.createDirectories(temp.resolve("recipes"));
        Files.createDirectories(temp.resolve("sweeps"));
        Files.createDirectories(temp.resolve("empty"));
        for (String r : List.of("recipes/tiny.yaml", "sweeps/tiny.yaml")) {
            try (var in = getClass().getResourceAsStream("/" + r)) {
                Files.write(temp.resolve(r), in.readAllBytes());
            }
        }
        return temp.resolve("sweeps/tiny.yaml");
    }

    private record Result(int exit, String out) {
    }

    private Result run(Path cache, String... args) throws Exception {
        Process p = start(cache, args);
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("pretext " + String.join(" ", args) + " did not finish in 10 minutes");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private Process start(Path cache, String... args) throws IOException {
        Path dist = Dist.root();
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                "-Dai.djl.offline=true", "-Dpretext.dist=" + dist,
                "-cp", dist.resolve("lib") + File.separator + "*", "dev.pretext.launcher.Main",
                "--cache", cache.toString()));
        cmd.addAll(Arrays.asList(args));
        Path out = temp.resolve("out-" + System.nanoTime() + ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(temp.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().put("OPT_OUT_TRACKING", "true");
        Process p = pb.start();
        // The output goes to a file (a pipe nobody reads would block a long sweep); read it back when done.
        return new ProcessWithFile(p, out);
    }

    /** A process whose output stream reads the file its output went to. */
    private static final class ProcessWithFile extends Process {
        private final Process p;
        private final Path out;

        ProcessWithFile(Process p, Path out) {
            this.p = p;
            this.out = out;
        }

        @Override
        public java.io.OutputStream getOutputStream() {
            return p.getOutputStream();
        }

        @Override
        public java.io.InputStream getInputStream() {
            try {
                return Files.newInputStream(out);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public java.io.InputStream getErrorStream() {
            return p.getErrorStream();
        }

        @Override
        public int waitFor() throws InterruptedException {
            return p.waitFor();
        }

        @Override
        public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
            return p.waitFor(timeout, unit);
        }

        @Override
        public int exitValue() {
            return p.exitValue();
        }

        @Override
        public void destroy() {
            p.destroy();
        }

        @Override
        public Process destroyForcibly() {
            return p.destroyForcibly();
        }

        @Override
        public boolean isAlive() {
            return p.isAlive();
        }
    }
}
