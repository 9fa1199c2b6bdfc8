package dev.pretext.core.sweep;

import dev.pretext.core.Console;
import dev.pretext.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Slurm executor against a scripted Slurm (the real one is SlurmTest's, in the integration module): the batch
 * script it writes, how it reads a job's end, and that it follows a job submitted before instead of submitting
 * again.
 */
class SlurmExecutorTest {
    @TempDir
    Path dir;

    /** Answers Slurm's commands from a list of rules; records every call. */
    private static final class FakeSlurm implements SlurmExecutor.Shell {
        final List<List<String>> calls = new ArrayList<>();
        final List<String> squeue = new ArrayList<>();
        String scontrol = "";

        @Override
        public SlurmExecutor.Result run(List<String> command) {
            calls.add(command);
            return switch (command.get(0)) {
                case "sbatch" -> command.contains("--test-only") ? new SlurmExecutor.Result(1, "",
                        "sbatch: error: invalid partition specified: nope\nallocation failure: Invalid partition")
                        : new SlurmExecutor.Result(0, "42\n", "");
                case "squeue" -> {
                    String line = squeue.isEmpty() ? "" : squeue.remove(0);
                    yield line.isEmpty() ? new SlurmExecutor.Result(1, "", "slurm_load_jobs error: Invalid job id "
                            + "specified") : new SlurmExecutor.Result(0, line + "\n", "");
                }
                case "scontrol" -> new SlurmExecutor.Result(0, scontrol, "");
                default -> new SlurmExecutor.Result(1, "", "Slurm accounting storage is disabled");
            };
        }

        long count(String tool) {
            return calls.stream().filter(c -> c.get(0).equals(tool) && !c.contains("--test-only")).count();
        }
    }

    private SlurmExecutor executor(FakeSlurm slurm) {
        return new SlurmExecutor("dev.pretext.launcher.Main", List.of("--cache", "/c"),
                new SlurmExecutor.Options("gpu", 4, 2, "16G", "4:00:00", 10, 0.01), Console.quiet(), slurm);
    }

    private SweepExecutor.Job job(boolean resume, boolean fresh) throws IOException {
        Files.createDirectories(dir.resolve("sweep/logs"));
        return new SweepExecutor.Job("r1", dir.resolve("sweep/recipes/r1.yaml"), dir.resolve("sweep/runs/r1"), resume,
                fresh, dir.resolve("sweep/logs/r1.log"));
    }

    @Test
    void theBatchScriptIsRequeueableAndDecidesAtEachStartWhetherToResume() throws Exception {
        String script = executor(new FakeSlurm()).script(job(false, true), dir.resolve("sweep/slurm/r1.events"));
        for (String expected : List.of("#SBATCH --requeue\n", "#SBATCH --signal=B:USR1@90\n",
                "#SBATCH --open-mode=append\n", "#SBATCH --partition=gpu\n", "#SBATCH --cpus-per-task=4\n",
                "#SBATCH --gres=gpu:2\n", "#SBATCH --mem=16G\n", "#SBATCH --time=4:00:00\n",
                "#SBATCH --output=" + dir.resolve("sweep/logs/r1.log") + "\n",
                // The sweep decided the first start: the run folder exists without a checkpoint, start it over.
                "if [ \"$restart\" -eq 0 ]; then\n  mode=fresh\n",
                "compgen -G \"$run_dir/checkpoints/step-*\"",
                "' --checkpoint-on-term \"${where[@]}\" &\n",
                "'dev.pretext.launcher.Main' '--cache' '/c')\n")) {
            assertTrue(script.contains(expected), expected + " missing from:\n" + script);
        }
        assertFalse(script.contains(ChildJvmExecutor.PARENT_PROPERTY), "a job must not follow the sweep's process");
        // bash reads it.
        Path file = dir.resolve("r1.sbatch");
        Files.writeString(file, script);
        Process p = new ProcessBuilder("bash", "-n", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }

    @Test
    void aFailedJobIsReportedWithItsOwnWordsAndSlurmsRecord() throws Exception {
        FakeSlurm slurm = new FakeSlurm();
        slurm.squeue.addAll(List.of("42|PENDING|Resources|", "42|RUNNING|None|a", "42|FAILED|NonZeroExitCode|a",
                "42|FAILED|NonZeroExitCode|a"));
        slurm.scontrol = "JobId=42 JobName=x JobState=FAILED Reason=NonZeroExitCode Dependency=(null) Requeue=1 "
                + "Restarts=0 ExitCode=2:0 RunTime=00:00:30\n";
        SweepExecutor.Job job = job(false, false);
        Files.createDirectories(dir.resolve("sweep/slurm"));
        Files.writeString(dir.resolve("sweep/slurm/r1.events"), """
                start 41 0 b 10
                end 41 0 1 15
                start 42 0 a 100
                end 42 0 2 130
                """);
        Files.writeString(job.log(), """
                pretext: an earlier job's words
                pretext-slurm: job 42, start 1, on a
                pretext: data.train (wavdir) has no utterances; check its folder or settings
                """);
        SweepExecutor.Outcome outcome = executor(slurm).run(job);
        assertFalse(outcome.finished());
        assertFalse(outcome.stopped());
        assertEquals("data.train (wavdir) has no utterances; check its folder or settings (exit code 2) (Slurm job "
                + "42: FAILED, ExitCode 2:0, Reason NonZeroExitCode)", outcome.reason());
        assertEquals(30, outcome.seconds(), 1e-9, "the job's own run time, not the earlier job's");
        assertEquals("42\n", Files.readString(dir.resolve("sweep/slurm/r1.job")));
        assertEquals(1, slurm.count("sbatch"));
    }

    @Test
    void aJobStillQueuedFromAnEarlierSweepIsFollowedNotSubmittedAgain() throws Exception {
        FakeSlurm slurm = new FakeSlurm();
        Files.createDirectories(dir.resolve("sweep/slurm"));
        Files.writeString(dir.resolve("sweep/slurm/r1.job"), "42\n");
        slurm.squeue.addAll(List.of("42|RUNNING|None|a", "42|RUNNING|None|a", "", ""));
        SweepExecutor.Job job = job(true, false);
        Files.writeString(dir.resolve("sweep/slurm/r1.events"), "start 42 0 a 100\nend 42 0 0 160\n");
        SweepExecutor.Outcome outcome = executor(slurm).run(job);
        assertTrue(outcome.finished(), String.valueOf(outcome.reason()));
        assertEquals(0, slurm.count("sbatch"));
        assertEquals(60, outcome.seconds(), 1e-9);
    }

    @Test
    void optionsSlurmRefusesAreAUserErrorInSbatchsWords() {
        UserError e = assertThrows(UserError.class, () -> SlurmExecutor.check(new SlurmExecutor.Options("nope", null,
                null, null, null, 1, 1), new FakeSlurm()));
        if (SlurmExecutor.onPath("sbatch") != null) {
            assertTrue(e.getMessage().contains("invalid partition specified: nope; allocation failure"),
                    e.getMessage());
        } else {
            assertTrue(e.getMessage().contains("needs Slurm's sbatch on PATH"), e.getMessage());
        }
    }
}
