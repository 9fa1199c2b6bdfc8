package dev.pretext.core.sweep;

import java.nio.file.Path;

/**
 * Runs one run of a sweep to its end. The local executor starts a child JVM per run; a cluster executor submits a
 * job and waits for it. An executor never throws for a run that fails: it says why in the outcome.
 *
 * <p>{@link #run} blocks until the run has ended. An executor that can have several runs under way at once (a
 * cluster) says how many in {@link #parallelism()}; {@link Sweep#execute} then starts runs with {@link #start} and
 * waits for up to that many at once, from as many threads, and the executor must be safe for that. The local
 * executor runs one at a time, with {@link #run}.
 */
public interface SweepExecutor {
    /**
     * One run of a sweep to execute.
     *
     * @param recipe the run's recipe file
     * @param runDir the run folder to make, or to continue when {@code resume}
     * @param resume continue from the run folder's latest checkpoint
     * @param fresh  the run folder exists without a checkpoint: start it over
     * @param log    where the run's console output goes
     */
    record Job(String name, Path recipe, Path runDir, boolean resume, boolean fresh, Path log) {
    }

    /**
     * How a run ended.
     *
     * @param reason  one line saying why the run failed or stopped; null when it finished
     * @param stopped the run did not fail but stopped at a checkpoint (e.g. its cluster job was cancelled): it is
     *                not marked failed, and the next invocation of the sweep resumes it
     * @param seconds how long the run itself ran, when the executor knows better than the time {@link #run} took
     *                (a cluster job waits in a queue first); NaN otherwise
     */
    record Outcome(boolean finished, String reason, boolean stopped, double seconds) {
        public static Outcome ok() {
            return new Outcome(true, null, false, Double.NaN);
        }

        public static Outcome failed(String reason) {
            return new Outcome(false, reason, false, Double.NaN);
        }

        public static Outcome stopped(String reason) {
            return new Outcome(false, reason, true, Double.NaN);
        }

        public Outcome withSeconds(double runSeconds) {
            return new Outcome(finished, reason, stopped, runSeconds);
        }
    }

    Outcome run(Job job) throws InterruptedException;

    /** A run under way. */
    interface Running {
        /** Waits for the run to end. */
        Outcome await() throws InterruptedException;
    }

    /**
     * Starts the run and returns as soon as it is under way (a cluster job: once submitted), for an executor with
     * a {@link #parallelism()} above one. The sweep calls it from one thread, in the sweep's order, so that runs
     * are queued in that order, and waits for each from a thread of its own. The default runs the whole run here.
     */
    default Running start(Job job) throws InterruptedException {
        Outcome outcome = run(job);
        return () -> outcome;
    }

    /** How many runs this executor can have under way at once; {@link #run} is called from as many threads. */
    default int parallelism() {
        return 1;
    }
}
