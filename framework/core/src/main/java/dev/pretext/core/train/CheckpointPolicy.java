package dev.pretext.core.train;

import java.nio.file.Path;

/**
 * When the trainer saves: every {@code everySteps} optimiser steps, and once at the end unless the last save
 * already holds the final step.
 */
record CheckpointPolicy(int everySteps) {
    CheckpointPolicy {
        if (everySteps < 1) {
            throw new IllegalArgumentException("every_steps must be >= 1, got " + everySteps);
        }
    }

    /** Whether the step just taken is saved on the way. */
    boolean due(long step) {
        return step % everySteps == 0;
    }

    /** Whether the end needs a save of its own: nothing saved yet in this start, or not this step. */
    boolean saveAtEnd(Path lastSaved, long step) {
        return lastSaved == null || !lastSaved.getFileName().toString().endsWith(String.format("%08d", step));
    }
}
