package dev.pretext.core.train;

import dev.pretext.core.PretextFailure;

import java.nio.file.Path;

/**
 * Training stopped on a {@link StopRequest} after writing {@code checkpoint}: not a failure of the run, which
 * continues exactly from there with {@code pretext train RECIPE --resume RUN_DIR}. The CLI exits with
 * {@link #EXIT_CODE}, which a batch script tells apart from a failure.
 */
public final class RunStopped extends PretextFailure {
    /** EX_TEMPFAIL of sysexits.h: "try again later", which is what a requeue does. */
    public static final int EXIT_CODE = 75;

    private final Path checkpoint;

    public RunStopped(long step, Path checkpoint) {
        super("stopped on request (SIGTERM) after step " + step + ", checkpoint " + checkpoint
                + " written; continue with --resume " + checkpoint.getParent().getParent());
        this.checkpoint = checkpoint;
    }

    public Path checkpoint() {
        return checkpoint;
    }
}
