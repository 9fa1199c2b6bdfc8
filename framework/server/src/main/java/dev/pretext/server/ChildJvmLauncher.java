package dev.pretext.server;

import dev.pretext.core.sweep.ChildJvmExecutor;
import dev.pretext.core.sweep.Sweep;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a job as {@code pretext train} or {@code pretext sweep} in a child JVM with the server's class path and
 * options, on the job's own plugins folder (its pinned bundles). The child ends itself when the server's process
 * is gone, so that a restarted server never finds it still writing; its checkpoints let the job resume.
 */
public final class ChildJvmLauncher implements JobLauncher {
    private final String mainClass;
    private final Path cacheDir;
    private final List<String> sweepOptions;

    /**
     * @param sweepOptions what every sweep job's {@code pretext sweep} gets besides its file and folder (the server's
     *                     executor options, e.g. {@code --executor slurm --partition gpu}); recipe jobs run here
     */
    public ChildJvmLauncher(String mainClass, Path cacheDir, List<String> sweepOptions) {
        this.mainClass = mainClass;
        this.cacheDir = cacheDir;
        this.sweepOptions = List.copyOf(sweepOptions);
    }

    @Override
    public List<String> command(JobFolder folder, JobSpec spec, JobStatus status) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")
                    && !arg.startsWith("-D" + ChildJvmExecutor.PARENT_PROPERTY)) {
                cmd.add(arg);
            }
        }
        cmd.add("-D" + ChildJvmExecutor.PARENT_PROPERTY + "=" + ProcessHandle.current().pid());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of("--plugins", folder.plugins().toString(), "--cache", cacheDir.toString()));
        Path main = folder.files().resolve(spec.main());
        if (JobSpec.SWEEP.equals(spec.kind())) {
            cmd.addAll(List.of("sweep", main.toString(), "--runs", folder.runs().toString()));
            cmd.addAll(sweepOptions);
            if (status.retryFailed()) {
                cmd.add("--retry-failed");
            }
            return cmd;
        }
        cmd.addAll(List.of("train", main.toString()));
        Path runDir = folder.runDir(spec);
        if (status.resume() && Sweep.hasCheckpoint(runDir)) {
            cmd.addAll(List.of("--resume", runDir.toString()));
        } else {
            cmd.addAll(List.of("--runs", folder.runs().toString()));
            if (Files.exists(runDir)) {
                cmd.add("--force");
            }
        }
        return cmd;
    }
}
