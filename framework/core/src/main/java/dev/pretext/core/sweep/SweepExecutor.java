package dev.pretext.core.sweep;

import java.nio.file.Path;

/**
 * Runs one run of a sweep to its end. The local executor starts a child JVM per run; a cluster executor would
 * submit a job and wait for it. An executor never throws for a run that fails: it says why in the outcome.
 */
public interface SweepExecutor {
    /**
     * @param recipe the run's recipe file
     * @param runDir the run folder to make, or to continue when {@code resume}
     * @param resume continue from the run folder's latest checkpoint
     * @param fresh  the run folder exists without a checkpoint: start it over
     * @param log    where the run's console output goes
     */
    record Job(String name, Path recipe, Path runDir, boolean resume, boolean fresh, Path log) {
    }

    /** @param reason one line saying why the run failed; null when it finished */
    record Outcome(boolean finished, String reason) {
        public static Outcome ok() {
            return new Outcome(true, null);
        }

        public static Outcome failed(String reason) {
            return new Outcome(false, reason);
        }
    }

    Outcome run(Job job) throws InterruptedException;
}
