package dev.pretext.launcher;

import dev.pretext.core.train.StopRequest;

/**
 * {@code pretext train --checkpoint-on-term}: SIGTERM asks the trainer to stop at its next step boundary and write
 * a checkpoint ({@link StopRequest}); the CLI then exits with {@code RunStopped.EXIT_CODE}. This is what batch
 * schedulers need: Slurm sends SIGTERM on preemption, on {@code scontrol requeue} and (with {@code --signal})
 * before the time limit, then SIGKILL after a grace period ({@code KillWait}, 30 s by default), and the requeued job
 * resumes from the checkpoint.
 *
 * <p>The handler replaces the JVM's own, which would run the shutdown hooks and exit at once. When no trainer is
 * listening (the run is composing, synthesising data or probing) there is no step to finish, and the process ends
 * as SIGTERM always ended it (status 143, shutdown hooks run): the requeued job then resumes from the last
 * checkpoint, or starts over when there is none.
 */
final class StopOnTerm {
    private static volatile boolean said;

    private StopOnTerm() {
    }

    static void install() {
        // sun.misc.Signal (module jdk.unsupported, exported) is the only way in Java 17 to act on SIGTERM without
        // starting the JVM's shutdown, during which the trainer could not be relied on to finish its step.
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> {
            if (StopRequest.request()) {
                if (!said) {
                    said = true;
                    System.err.println("pretext: SIGTERM: stopping after the current step, at a checkpoint");
                }
            } else {
                Thread exit = new Thread(() -> System.exit(143), "pretext-sigterm");
                exit.start();
            }
        });
    }
}
