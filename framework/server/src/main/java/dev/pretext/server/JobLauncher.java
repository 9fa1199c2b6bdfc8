package dev.pretext.server;

import java.util.List;

/** The command that starts (or continues) a job; it runs in the job's folder, its output appended to log.txt. */
public interface JobLauncher {
    List<String> command(JobFolder folder, JobSpec spec, JobStatus status);
}
