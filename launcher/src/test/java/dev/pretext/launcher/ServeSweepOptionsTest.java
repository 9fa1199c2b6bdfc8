package dev.pretext.launcher;

import dev.pretext.core.UserError;
import dev.pretext.server.ChildJvmLauncher;
import dev.pretext.server.JobFolder;
import dev.pretext.server.JobSpec;
import dev.pretext.server.JobState;
import dev.pretext.server.JobStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pretext serve --sweep-options: checked as pretext sweep checks them, and given to sweep jobs only. */
class ServeSweepOptionsTest {
    private static final JobStatus QUEUED = new JobStatus(JobState.QUEUED, 0, false, false, null, null, null, null);

    @TempDir
    Path temp;

    @Test
    void onlyTheSweepsExecutorOptionsAreTakenAndCheckedAsTheSweepChecksThem() throws Exception {
        assertEquals(List.of(), ServeCommand.sweepArgs(null));
        assertEquals(List.of("--executor", "local"), ServeCommand.sweepArgs(" --executor  local "));
        UserError runs = assertThrows(UserError.class, () -> ServeCommand.sweepArgs("--runs /tmp/elsewhere"));
        assertTrue(runs.getMessage().startsWith("--sweep-options: --runs is not an executor option of pretext sweep"),
                runs.getMessage());
        UserError alone = assertThrows(UserError.class, () -> ServeCommand.sweepArgs("--partition gpu"));
        assertTrue(alone.getMessage().contains("--partition only means something with --executor slurm"),
                alone.getMessage());
        UserError unknown = assertThrows(UserError.class, () -> ServeCommand.sweepArgs("--executor cluster"));
        assertTrue(unknown.getMessage().startsWith("--executor cluster: unknown"), unknown.getMessage());
        UserError number = assertThrows(UserError.class, () -> ServeCommand.sweepArgs("--executor slurm --mem"));
        assertTrue(number.getMessage().startsWith("--sweep-options: Missing required parameter for option '--mem'"),
                number.getMessage());
    }

    @Test
    void sweepJobsGetTheOptionsAndRecipeJobsDoNot() {
        ChildJvmLauncher launcher = new ChildJvmLauncher("Main", temp.resolve("cache"),
                List.of("--executor", "slurm", "--partition", "gpu"));
        JobFolder folder = new JobFolder(temp.resolve("job"));
        List<String> sweep = launcher.command(folder, spec(JobSpec.SWEEP, "grid.yaml"), QUEUED);
        assertEquals(List.of("--executor", "slurm", "--partition", "gpu"),
                sweep.subList(sweep.size() - 4, sweep.size()), sweep.toString());
        List<String> recipe = launcher.command(folder, spec(JobSpec.RECIPE, "run.yaml"), QUEUED);
        assertFalse(recipe.contains("--executor"), recipe.toString());
    }

    private static JobSpec spec(String kind, String main) {
        return new JobSpec(1, kind, "job", "ada", 0, Instant.EPOCH, main, Collections.emptyList());
    }
}
