package dev.pretext.integration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code pretext sweep --executor slurm} against a real Slurm: Debian's slurm-wlm and munge, started on loopback by
 * {@code bench/slurm/local-cluster} (a controller and two slurmd nodes of one CPU and one fake GPU each, see the
 * script). A 2 x 2 sweep of the tiny recipe runs as four batch jobs, two at a time, one on each node; one of them is
 * requeued with {@code scontrol requeue} once it has a checkpoint, stops at a checkpoint on Slurm's SIGTERM, starts
 * again and resumes, and ends with exactly the parameters of the same recipe trained without interruption.
 *
 * <p>The tests that need the cluster are skipped when Slurm is not installed (run-tests installs it); the one
 * without sbatch on PATH runs everywhere.
 */
class SlurmTest {
    private static final Path SCRIPT = Path.of("..", "bench", "slurm", "local-cluster").toAbsolutePath().normalize();
    private static Path clusterDir;
    private static String slurmConf;

    @TempDir
    Path temp;

    @Test
    void aSweepRunsAsSlurmJobsAndARequeuedRunResumesToTheSameParameters() throws Exception {
        startCluster();
        Path sweep = layout();
        Path cache = temp.resolve("cache");
        Process p = start(cache, true, "sweep", sweep.toString(), "--runs", "s", "--executor", "slurm",
                "--cpus-per-run", "1", "--gpus-per-run", "1", "--mem", "2G", "--poll-seconds", "1");
        Path dir = temp.resolve("s/grid");
        String victim = "layers1-seed3";
        Path checkpoint = dir.resolve("runs/" + victim + "/checkpoints/step-00000008");
        long deadline = System.currentTimeMillis() + 300_000;
        while (!Files.isDirectory(checkpoint) && p.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Files.isDirectory(checkpoint), "the run never reached a checkpoint:\n" + output(p));
        String job = Files.readString(dir.resolve("slurm/" + victim + ".job")).strip();
        // What an operator (or preemption) does: Slurm sends SIGTERM to the job's processes and queues it again.
        Result requeue = slurm("scontrol", "requeue", job);
        assertEquals(0, requeue.exit, "scontrol requeue " + job + ": " + requeue.out);

        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "the sweep did not end in 10 minutes:\n" + output(p));
        String out = output(p);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("sweep grid: 4 of 4 runs finished, 0 failed"), out);

        List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
        assertEquals(5, csv.size(), "a header and four runs:\n" + String.join("\n", csv));
        for (String row : csv.subList(1, 5)) {
            assertTrue(row.matches("[a-z0-9-]+,finished,.*"), row);
        }
        int steps = Arrays.asList(csv.get(0).split(",")).indexOf("steps");
        csv.subList(1, 5).forEach(row -> assertEquals("80", row.split(",")[steps], row));

        // The requeued run stopped at a checkpoint (exit 75) in its first start, before the end of its budget, and
        // resumed in its second.
        String log = Files.readString(dir.resolve("logs/" + victim + ".log"));
        assertTrue(log.contains("stopped on request (SIGTERM) after step"), log);
        assertTrue(log.contains("resumed from step-"), log);
        assertTrue(log.contains("GPUs 0"), "the fake GPU was not handed to the job:\n" + log);
        List<String> events = Files.readAllLines(dir.resolve("slurm/" + victim + ".events"));
        assertTrue(events.stream().anyMatch(l -> l.matches("end " + job + " 0 75 \\d+")), String.join("\n", events));
        assertTrue(events.stream().anyMatch(l -> l.matches("end " + job + " 1 0 \\d+")), String.join("\n", events));

        // Both nodes ran runs.
        Set<String> nodes = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir.resolve("slurm"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".events")).toList()) {
                Files.readAllLines(f).stream().filter(l -> l.startsWith("start ")).forEach(l -> nodes.add(
                        l.split(" ")[3]));
            }
        }
        assertEquals(Set.of("a", "b"), nodes);

        // The same recipe trained here without interruption ends with the same parameters, to the byte.
        Process whole = start(cache, false, "train", dir.resolve("recipes/" + victim + ".yaml").toString(),
                "--runs", temp.resolve("whole").toString());
        assertTrue(whole.waitFor(300, TimeUnit.SECONDS), output(whole));
        assertEquals(0, whole.exitValue(), output(whole));
        Path a = temp.resolve("whole/" + victim + "/checkpoints/step-00000080");
        Path b = dir.resolve("runs/" + victim + "/checkpoints/step-00000080");
        assertArrayEquals(Files.readAllBytes(a.resolve("model.ndlist")), Files.readAllBytes(b.resolve("model.ndlist")),
                "parameters differ after the requeue");
        assertArrayEquals(Files.readAllBytes(a.resolve("optimizer.ndlist")),
                Files.readAllBytes(b.resolve("optimizer.ndlist")), "optimizer state differs after the requeue");
        assertEquals(80, Files.readAllLines(dir.resolve("runs/" + victim + "/metrics.jsonl")).size(),
                "each step logged exactly once");

        // Run again: everything is kept, nothing is submitted.
        Process again = start(cache, true, "sweep", sweep.toString(), "--runs", "s", "--executor", "slurm",
                "--poll-seconds", "1");
        assertTrue(again.waitFor(300, TimeUnit.SECONDS), output(again));
        assertTrue(output(again).contains("ran 0 now, kept 4"), output(again));
    }

    /**
     * Unlike a local run, a job does not end with the sweep that submitted it: killed with SIGKILL and run again,
     * the sweep follows the jobs it submitted instead of submitting them again.
     */
    @Test
    void aKilledSweepLeavesItsJobsRunningAndFollowsThemWhenRunAgain() throws Exception {
        startCluster();
        Path sweep = layout();
        Path cache = temp.resolve("cache");
        String[] args = {"sweep", sweep.toString(), "--runs", "k", "--executor", "slurm", "--mem", "2G",
                "--poll-seconds", "1"};
        Process killed = start(cache, true, args);
        Path dir = temp.resolve("k/grid");
        Path checkpoint = dir.resolve("runs/layers1-seed3/checkpoints/step-00000004");
        long deadline = System.currentTimeMillis() + 300_000;
        while (!Files.isDirectory(checkpoint) && killed.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Files.isDirectory(checkpoint), output(killed));
        killed.destroyForcibly();
        assertTrue(killed.waitFor(60, TimeUnit.SECONDS));
        List<String> ids = new ArrayList<>();
        for (String run : List.of("layers1-seed3", "layers1-seed4", "layers2-seed3", "layers2-seed4")) {
            ids.add(Files.readString(dir.resolve("slurm/" + run + ".job")).strip());
        }
        assertTrue(slurm("squeue", "-h", "-j", ids.get(0)).out.contains(ids.get(0)), "the job ended with the sweep");

        Process again = start(cache, true, args);
        assertTrue(again.waitFor(600, TimeUnit.SECONDS), output(again));
        String out = output(again);
        assertEquals(0, again.exitValue(), out);
        assertTrue(out.contains("layers2-seed4: Slurm job " + ids.get(3) + " submitted before is still there; "
                + "following it"), out);
        assertFalse(out.contains(" submitted\n"), "a run was submitted again:\n" + out);
        assertTrue(out.contains("sweep grid: 4 of 4 runs finished, 0 failed"), out);
        for (String line : Files.readAllLines(dir.resolve("slurm/layers1-seed3.events"))) {
            assertTrue(line.contains(" " + ids.get(0) + " 0 "), "the first run started once, as its one job: "
                    + line);
        }
    }

    @Test
    void aPartitionSlurmDoesNotKnowIsRefusedInSbatchsWordsBeforeAnythingIsWritten() throws Exception {
        startCluster();
        Path sweep = layout();
        Process p = start(temp.resolve("cache"), true, "sweep", sweep.toString(), "--runs", "p", "--executor",
                "slurm", "--partition", "nope");
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), output(p));
        String out = output(p);
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("pretext: Slurm refuses the runs' job options (--partition=nope"), out);
        assertTrue(out.contains("invalid partition specified: nope"), "sbatch's own message:\n" + out);
        assertTrue(out.contains("sinfo"), "what to do:\n" + out);
        assertFalse(out.contains("\tat dev.pretext"), "no stack trace for a user mistake:\n" + out);
        assertFalse(Files.exists(temp.resolve("p")), "nothing may be written");
    }

    @Test
    void withoutSbatchOnPathTheSweepSaysWhatIsMissingAndWhatToDo() throws Exception {
        Path sweep = layout();
        Path emptyBin = Files.createDirectories(temp.resolve("bin"));
        Process p = start(temp.resolve("cache"), Map.of("PATH", emptyBin.toString()), "sweep", sweep.toString(),
                "--runs", "n", "--executor", "slurm");
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), output(p));
        String out = output(p);
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("pretext: --executor slurm needs Slurm's sbatch on PATH"), out);
        assertTrue(out.contains("add Slurm's bin folder to PATH") && out.contains("leave out --executor slurm"), out);
        assertFalse(Files.exists(temp.resolve("n")), "nothing may be written");
    }

    /** Starts the local cluster once for the class, or skips when Slurm is not installed. */
    private static synchronized void startCluster() throws Exception {
        if (slurmConf != null) {
            return;
        }
        for (String tool : List.of("/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/bin/sbatch")) {
            assumeTrue(Files.isExecutable(Path.of(tool)), tool + " is missing: Slurm is not installed here "
                    + "(apt-get install slurm-wlm munge; run-tests installs them)");
        }
        // Not under @TempDir: munged wants every folder above its socket searchable by all, and JUnit's are 700.
        clusterDir = Files.createTempDirectory(Path.of("/tmp"), "pretext-slurm-test-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString(), "start").redirectErrorStream(true);
        pb.environment().put("PRETEXT_SLURM_DIR", clusterDir.toString());
        pb.environment().put("PRETEXT_SLURM_PORT", Integer.toString(freePorts()));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "local-cluster start failed:\n" + out);
        slurmConf = clusterDir.resolve("slurm.conf").toString();
        assertTrue(out.contains("export SLURM_CONF=" + slurmConf), out);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (clusterDir == null) {
            return;
        }
        ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString(), "stop").redirectErrorStream(true);
        pb.environment().put("PRETEXT_SLURM_DIR", clusterDir.toString());
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        p.waitFor(120, TimeUnit.SECONDS);
        try (Stream<Path> all = Files.walk(clusterDir)) {
            for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // A socket or log still held: /tmp is cleaned eventually.
        }
    }

    /** The first of three free consecutive ports on 127.0.0.1 (controller, node a, node b). */
    private static int freePorts() throws IOException {
        Random random = new Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = 20000 + random.nextInt(20000);
            boolean free = true;
            for (int port = base; port < base + 3 && free; port++) {
                try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no three free ports in a row");
    }

    /** The tiny recipe, and a 2 x 2 sweep of it: depth 1 or 2, seed 3 or 4; 80 steps, checkpoints every 4. */
    private Path layout() throws IOException {
        Files.createDirectories(temp.resolve("recipes"));
        Files.createDirectories(temp.resolve("sweeps"));
        try (var in = getClass().getResourceAsStream("/recipes/tiny.yaml")) {
            Files.write(temp.resolve("recipes/tiny.yaml"), in.readAllBytes());
        }
        Path sweep = temp.resolve("sweeps/grid.yaml");
        Files.writeString(sweep, """
                name: grid
                base: ../recipes/tiny.yaml
                set:
                  budget.steps: 80
                grid:
                  encoder.layers: [1, 2]
                  seed: [3, 4]
                analysis: {metric: final_loss}
                """);
        return sweep;
    }

    private record Result(int exit, String out) {
    }

    private static Result slurm(String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SLURM_CONF", slurmConf);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return new Result(p.exitValue(), out);
    }

    private Process start(Path cache, boolean withSlurm, String... args) throws IOException {
        return start(cache, withSlurm ? Map.of("SLURM_CONF", slurmConf) : Map.of(), args);
    }

    /** The real CLI on the real distribution, its output to a file (read with {@link #output}). */
    private Process start(Path cache, Map<String, String> env, String... args) throws IOException {
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
        pb.environment().putAll(env);
        Process p = pb.start();
        outputs.put(p, out);
        return p;
    }

    private final Map<Process, Path> outputs = new java.util.concurrent.ConcurrentHashMap<>();

    private String output(Process p) throws IOException {
        return Files.readString(outputs.get(p), StandardCharsets.UTF_8);
    }
}
