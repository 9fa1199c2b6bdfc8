package dev.pretext.server;

import java.time.Instant;

/**
 * Where a job stands: the job folder's {@code status.json}, rewritten atomically at every change.
 *
 * @param attempt   how many times the job was started (a resume after a server restart counts)
 * @param resume    the next start continues from the job's checkpoints instead of starting over
 * @param retryFailed the next start of a sweep runs its failed runs again
 * @param pid       the child JVM while running, to make sure it is gone before the job starts again
 * @param reason    why it failed or was cancelled, or what happened last (one line)
 */
public record JobStatus(JobState state, int attempt, boolean resume, boolean retryFailed, Long pid, Instant started,
                        Instant ended, String reason) {
    static JobStatus queued() {
        return new JobStatus(JobState.QUEUED, 0, false, false, null, null, null, null);
    }

    JobStatus running(long pid, Instant now) {
        return new JobStatus(JobState.RUNNING, attempt + 1, resume, retryFailed, pid, now, null, null);
    }

    JobStatus ended(JobState end, Instant now, String why) {
        return new JobStatus(end, attempt, false, false, null, started, now, why);
    }

    JobStatus requeued(boolean fromCheckpoint, boolean retry, String why) {
        return new JobStatus(JobState.QUEUED, attempt, fromCheckpoint, retry, null, started, null, why);
    }
}
