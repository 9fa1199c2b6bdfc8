package dev.pretext.core.sweep;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs each run in a child JVM on this machine ({@code pretext train}), one at a time: a run that crashes, runs
 * out of memory or is killed takes only itself down. The child gets this JVM's class path, its options and its
 * environment (the MKL preload, the cache), and ends itself when this process dies, so that a killed sweep
 * leaves no run behind that a later sweep would race.
 */
public final class ChildJvmExecutor implements SweepExecutor {
    /** The property that tells a child whose death to follow (see the launcher's Main). */
    public static final String PARENT_PROPERTY = "pretext.sweep.parent";

    private final String mainClass;
    private final List<String> globalArgs;
    private volatile Process current;

    /**
     * @param mainClass  the CLI's main class
     * @param globalArgs options placed before the subcommand, e.g. {@code --plugins DIR --cache DIR}
     */
    public ChildJvmExecutor(String mainClass, List<String> globalArgs) {
        this.mainClass = mainClass;
        this.globalArgs = List.copyOf(globalArgs);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Process p = current;
            if (p != null && p.isAlive()) {
                // Ctrl-C on the sweep: the child's checkpoints are written atomically, so stopping it is safe.
                p.destroy();
            }
        }, "pretext-sweep-child-stopper"));
    }

    List<String> command(Job job) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions());
        cmd.add("-D" + PARENT_PROPERTY + "=" + ProcessHandle.current().pid());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(globalArgs);
        cmd.add("train");
        cmd.add(job.recipe().toString());
        if (job.resume()) {
            cmd.add("--resume");
            cmd.add(job.runDir().toString());
        } else {
            cmd.add("--runs");
            cmd.add(job.runDir().getParent().toString());
            if (job.fresh()) {
                cmd.add("--force");
            }
        }
        return cmd;
    }

    /**
     * This JVM's options, for a run's JVM: the same heap, properties and flags, without a debugger or coverage
     * agent attached to the sweep (not wanted in every run) and without the parent to follow.
     */
    static List<String> jvmOptions() {
        List<String> out = new ArrayList<>();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent") && !arg.startsWith("-D" + PARENT_PROPERTY)) {
                out.add(arg);
            }
        }
        return out;
    }

    @Override
    public Outcome run(Job job) throws InterruptedException {
        try {
            Files.createDirectories(job.log().getParent());
            ProcessBuilder pb = new ProcessBuilder(command(job)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(job.log().toFile()));
            Process p = pb.start();
            current = p;
            int code;
            try {
                code = p.waitFor();
            } catch (InterruptedException e) {
                p.destroy();
                throw e;
            } finally {
                current = null;
            }
            return code == 0 ? Outcome.ok() : Outcome.failed(reason(code, job.log()));
        } catch (IOException e) {
            return Outcome.failed("could not start the run's JVM: " + e.getMessage());
        }
    }

    /** The child's own one-line message ("pretext: ..."), else what its exit code says. */
    static String reason(int code, Path log) {
        String said = null;
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0 && said == null; i--) {
                if (lines.get(i).startsWith("pretext: ")) {
                    said = lines.get(i).substring("pretext: ".length()).strip();
                }
            }
            if (said == null) {
                for (int i = lines.size() - 1; i >= 0 && said == null; i--) {
                    if (lines.get(i).contains("OutOfMemoryError")) {
                        said = "out of Java heap (" + lines.get(i).strip() + "); raise -Xmx in PRETEXT_JAVA_OPTS";
                    }
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // No log to read: the exit code is all there is.
        }
        String exit = code == 137 ? "killed (SIGKILL: out of memory? see dmesg)" : code == 143 ? "stopped (SIGTERM)"
                : "exit code " + code;
        String text = said == null ? exit : said + " (" + exit + ")";
        return text.length() > 400 ? text.substring(0, 400) + "..." : text;
    }
}
