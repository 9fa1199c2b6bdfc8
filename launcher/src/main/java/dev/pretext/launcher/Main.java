package dev.pretext.launcher;

import dev.pretext.core.FileProblem;
import dev.pretext.core.PretextFailure;
import dev.pretext.core.UserError;
import dev.pretext.core.train.RunStopped;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code pretext}: the command line. Exit codes: 0 success, 2 a usage or recipe mistake (message, no stack
 * trace), 1 a failure, 75 a run stopped at a checkpoint on request ({@code train --checkpoint-on-term}).
 */
@Command(name = "pretext", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Self-supervised speech models trained on a compute budget.")
public final class Main implements Runnable {
    public static final int USER_ERROR = 2;

    /** Every subcommand, in the order the usage lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(QuickstartCommand.class, TrainCommand.class,
            ProbeCommand.class, TargetsCommand.class, BudgetCommand.class, SweepCommand.class, PlanCommand.class,
            CorpusCommand.class, PluginsCommand.class, DeviceCommand.class, ExportCommand.class, ImportCommand.class,
            RecipeCommand.class, ServeCommand.class, SubmitCommand.class, JobsCommand.class,
            CommandLine.HelpCommand.class);

    @Option(names = "--plugins", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "Watched folder of plugin bundles (default: the distribution's plugins/).")
    Path plugins;

    @Option(names = "--cache", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "Cache for synthesised corpora (default: $PRETEXT_CACHE or ~/.cache/pretext).")
    Path cache;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        StartupTrace.mark("main");
        quietLogging();
        followParent();
        int code = run(args);
        StartupTrace.mark("exit" + (StartupTrace.ON ? ", libtorch loaded: " + Host.libtorchLoaded() : ""));
        System.exit(code);
    }

    /**
     * A run started by {@code pretext sweep} ends when the sweep's process is gone (killed, even with SIGKILL), so
     * that the next invocation of the sweep does not find it still writing the run folder. Its checkpoints are
     * written atomically; the sweep resumes it from the last one.
     */
    static void followParent() {
        String parent = System.getProperty(dev.pretext.core.sweep.ChildJvmExecutor.PARENT_PROPERTY);
        if (parent == null) {
            return;
        }
        java.util.Optional<ProcessHandle> handle;
        try {
            handle = ProcessHandle.of(Long.parseLong(parent));
        } catch (NumberFormatException e) {
            return;
        }
        Thread watcher = new Thread(() -> {
            while (handle.isPresent() && handle.get().isAlive()) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.err.println("pretext: the sweep or server that started this run is gone; stopping (the run "
                    + "resumes from its last checkpoint when the sweep runs again or the server restarts)");
            Runtime.getRuntime().halt(143);
        }, "pretext-follow-sweep");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Runs the CLI and returns its exit code (tests call this in-process). */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine(args);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof UserError) {
                cmd.getErr().println("pretext: " + ex.getMessage());
                cmd.getErr().flush();
                return USER_ERROR;
            }
            if (ex instanceof RunStopped) {
                // Not a failure: the run continues from its checkpoint (see StopOnTerm).
                cmd.getErr().println("pretext: " + ex.getMessage());
                cmd.getErr().flush();
                return RunStopped.EXIT_CODE;
            }
            if (ex instanceof PretextFailure) {
                cmd.getErr().println("pretext: " + ex.getMessage());
                cmd.getErr().flush();
                return 1;
            }
            // A full or read-only disk anywhere else (metrics, reports, caches) is the user's situation too.
            FileProblem problem = FileProblem.of(ex);
            if (problem != null) {
                String what = ex.getMessage() == null || ex.getMessage().contains("Exception") ? "a file could not "
                        + "be read or written" : ex.getMessage().lines().findFirst().orElse("")
                        .replaceAll(": (No space left on device|Read-only file system|Disk quota exceeded|Permission "
                                + "denied|Not a directory)", "");
                cmd.getErr().println("pretext: " + what + ": " + problem.what() + "; " + problem.todo());
                cmd.getErr().flush();
                return USER_ERROR;
            }
            cmd.getErr().println("pretext: failed: " + ex);
            ex.printStackTrace(cmd.getErr());
            cmd.getErr().flush();
            return 1;
        });
        return cli.execute(args);
    }

    /**
     * The command line for these arguments. picocli reflects over every subcommand it is given (a quarter of a
     * short command's start-up with all seventeen), so a command line naming one subcommand gets that one only; any
     * other (none, an option such as {@code --help}, a misspelt name, {@code help}) gets them all.
     */
    static CommandLine commandLine(String... args) {
        CommandLine cli = new CommandLine(new Main());
        Class<?> only = subcommandNamed(subcommandArgument(args));
        for (Class<?> c : only == null || only == CommandLine.HelpCommand.class ? SUBCOMMANDS : List.of(only)) {
            cli.addSubcommand(c);
        }
        return cli;
    }

    /** The first argument that is not an inherited option or its value, or null. */
    static String subcommandArgument(String... args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--plugins") || a.equals("--cache")) {
                i++;
            } else if (!a.startsWith("--plugins=") && !a.startsWith("--cache=")) {
                return a;
            }
        }
        return null;
    }

    private static Class<?> subcommandNamed(String name) {
        if (name == null) {
            return null;
        }
        for (Class<?> c : SUBCOMMANDS) {
            Command command = c.getAnnotation(Command.class);
            if (command != null && (command.name().equals(name) || List.of(command.aliases()).contains(name))) {
                return c;
            }
        }
        return null;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static void quietLogging() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        // DJL warns about CUDA on every CPU-only machine; it is harmless.
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl.pytorch.jni.LibUtils", "warn");
    }

    /** The distribution folder (lib/, system/, plugins/). */
    static Path dist() {
        String prop = System.getProperty("pretext.dist");
        if (prop != null) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        try {
            Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent().getParent();
        } catch (Exception e) {
            throw new IllegalStateException("cannot locate the distribution; set -Dpretext.dist", e);
        }
    }

    Path pluginsDir() {
        return plugins != null ? plugins.toAbsolutePath() : dist().resolve("plugins");
    }

    Path cacheDir() {
        if (cache != null) {
            return cache.toAbsolutePath();
        }
        String env = System.getenv("PRETEXT_CACHE");
        return env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "pretext");
    }

    /** The source checkout (for git revisions and the shipped recipes), if there is one. */
    static Path home() {
        String prop = System.getProperty("pretext.home");
        Path home = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath();
        return Files.isDirectory(home) ? home : null;
    }

    /**
     * A host for one command that makes tensors: libtorch is loaded when it returns. Its plugins are those of the
     * folder when it starts (see {@link Host#stopWatching}).
     */
    Host startHost() {
        return pinned(startLiveHost());
    }

    /**
     * A host for one command that makes no tensors (listing plugins, checking a recipe): libtorch, most of such a
     * command's time, is not loaded (see {@link Host#startWithoutEngine}).
     */
    Host startHostWithoutEngine() {
        return pinned(Host.startWithoutEngine(dist().resolve("system"), pluginsDir(), hostLog()));
    }

    private static Host pinned(Host host) {
        try {
            host.stopWatching();
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
        return host;
    }

    /** A host that keeps watching the plugins folder, for the long-lived server. */
    Host startLiveHost() {
        return Host.start(dist().resolve("system"), pluginsDir(), hostLog());
    }

    private Path hostLog() {
        return cacheDir().resolve("logs").resolve("host.log");
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"pretext " + (v == null ? "(development build)" : v)};
        }
    }
}
