package dev.pretext.launcher;

import dev.pretext.core.UserError;
import dev.pretext.core.sweep.SlurmExecutor;
import dev.pretext.server.ApiServer;
import dev.pretext.server.ChildJvmLauncher;
import dev.pretext.server.JobIndex;
import dev.pretext.server.Jobs;
import dev.pretext.server.PathRules;
import dev.pretext.server.Scheduler;
import dev.pretext.server.Tokens;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the shared service: one long-lived host whose plugins folder is watched live, a job queue "
                + "of recipes and sweeps (each job in its own JVM on the bundles pinned when it was submitted), and "
                + "its REST API. Jobs survive a restart (running ones resume from their checkpoints).")
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; beyond loopback, reads need a token too).")
    String bind;

    @Option(names = "--port", defaultValue = "8420", description = "Port (default: ${DEFAULT-VALUE}; 0 picks one).")
    int port;

    @Option(names = "--home", paramLabel = "DIR",
            description = "The server's folder: database, jobs, pinned bundles, and plugins/ when --plugins is not "
                    + "given (default: $PRETEXT_SERVER_HOME or ~/.local/share/pretext/server).")
    Path home;

    @Option(names = "--max-jobs", defaultValue = "1", description = "Jobs running at once (default: ${DEFAULT-VALUE}).")
    int maxJobs;

    @Option(names = "--max-jobs-per-user", description = "Jobs of one user running at once (default: --max-jobs).")
    Integer maxJobsPerUser;

    @Option(names = "--data-root", paramLabel = "DIR",
            description = "A folder recipes may read from by absolute path (repeatable); relative paths stay in the job's folder.")
    List<Path> dataRoots = new ArrayList<>();

    @Option(names = "--sweep-options", paramLabel = "OPTIONS",
            description = "The executor options every sweep job's `pretext sweep` gets, as it takes them, e.g. "
                    + "\"--executor slurm --partition gpu --gpus-per-run 1\" to send the runs of sweeps to Slurm "
                    + "(checked with sbatch when the server starts; the cluster must see --home). Recipe jobs run here.")
    String sweepOptions;

    @Option(names = "--add-user", paramLabel = "NAME", description = "Add a user, print their token once, and exit.")
    String addUser;

    @Option(names = "--admin", description = "With --add-user: the user may cancel anyone's jobs.")
    boolean admin;

    @Option(names = "--remove-user", paramLabel = "NAME", description = "Remove a user (their token stops working) and exit.")
    String removeUser;

    /** The executor options of {@code pretext sweep}, the only ones a server may give every sweep job. */
    static final List<String> SWEEP_EXECUTOR_OPTIONS = List.of("--executor", "--partition", "--cpus-per-run",
            "--gpus-per-run", "--mem", "--time", "--max-jobs", "--poll-seconds");

    /**
     * {@code --sweep-options} as arguments, checked as {@code pretext sweep} checks them (and, for Slurm, with
     * {@code sbatch --test-only}) before the server starts.
     */
    static List<String> sweepArgs(String options) throws InterruptedException {
        if (options == null || options.isBlank()) {
            return List.of();
        }
        List<String> args = List.of(options.strip().split("\\s+"));
        for (String a : args) {
            if (a.startsWith("-") && !SWEEP_EXECUTOR_OPTIONS.contains(a.split("=", 2)[0])) {
                throw new UserError("--sweep-options: " + a + " is not an executor option of pretext sweep; a server "
                        + "gives its sweep jobs only " + String.join(", ", SWEEP_EXECUTOR_OPTIONS));
            }
        }
        SweepCommand sweep = new SweepCommand();
        List<String> parsed = new ArrayList<>(List.of("SWEEP.yaml"));
        parsed.addAll(args);
        try {
            new CommandLine(sweep).parseArgs(parsed.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new UserError("--sweep-options: " + e.getMessage());
        }
        if (sweep.checkExecutorOptions()) {
            SlurmExecutor.check(sweep.slurmOptions());
        }
        return args;
    }

    @Override
    public Integer call() throws Exception {
        Path dir = home().toAbsolutePath().normalize();
        PrintWriter out = main.out();
        if (addUser != null || removeUser != null) {
            try (JobIndex index = JobIndex.open(dir.resolve("db"))) {
                if (removeUser != null) {
                    if (!index.removeUser(removeUser)) {
                        throw new UserError("no user '" + removeUser + "' on the server in " + dir);
                    }
                    out.println("removed user " + removeUser);
                    out.flush();
                    return 0;
                }
                if (!addUser.matches("[A-Za-z0-9._-]{1,64}")) {
                    throw new UserError("user name '" + addUser + "' refused: 1-64 letters, digits, '.', '_', '-'");
                }
                String token = Tokens.newToken();
                index.addUser(addUser, Tokens.sha256(token), admin);
                out.println("added " + (admin ? "admin " : "user ") + addUser + "; their token (shown only this once, "
                        + "stored hashed):");
                out.println(token);
                out.println("use it as: export PRETEXT_TOKEN=<token>; pretext submit RECIPE --server URL");
                out.flush();
                return 0;
            }
        }
        List<String> sweepArgs = sweepArgs(sweepOptions);
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new UserError("--bind " + bind + ": not an address of this machine");
        }
        if (maxJobs < 1 || (maxJobsPerUser != null && maxJobsPerUser < 1)) {
            throw new UserError("--max-jobs and --max-jobs-per-user must be at least 1");
        }
        for (Path root : dataRoots) {
            if (!Files.isDirectory(root)) {
                throw new UserError("--data-root " + root + " is not a folder");
            }
        }
        Files.createDirectories(dir);
        if (main.plugins == null) {
            main.plugins = seedPlugins(dir.resolve("plugins"));
        }
        JobIndex index = JobIndex.open(dir.resolve("db"));
        boolean[] handedOver = {false};
        Host host = null;
        Scheduler scheduler = null;
        ApiServer api = null;
        try {
            host = main.startLiveHost();
            LiveHost live = new LiveHost(host, main.cacheDir());
            Jobs jobs = new Jobs(dir, index, live, live, new PathRules(dataRoots));
            scheduler = new Scheduler(jobs, new ChildJvmLauncher(Main.class.getName(), main.cacheDir(), sweepArgs),
                    new Scheduler.Limits(maxJobs, maxJobsPerUser == null ? maxJobs : maxJobsPerUser),
                    ServeCommand::log);
            scheduler.start();
            try {
                api = new ApiServer(new InetSocketAddress(address, port), jobs, scheduler, live,
                        new Main.Version().getVersion()[0], ServeCommand::log);
            } catch (BindException e) {
                throw new UserError("cannot listen on " + bind + ":" + port + " (" + e.getMessage() + "); is another "
                        + "server running there? Pick another --port");
            }
            api.start();
            String url = "http://" + (address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]"
                    : address.getHostAddress()) + ":" + api.port();
            log("pretext serve: listening on " + url + " (home " + dir + ", plugins " + host.pluginsDir() + ", "
                    + maxJobs + " job(s) at once" + (address.isLoopbackAddress() ? "" : "; reads need a token") + ")");
            if (index.users() == 0) {
                log("no users yet: add one with `pretext serve --home " + dir + " --add-user NAME` to submit jobs");
            }
            CountDownLatch stop = new CountDownLatch(1);
            ApiServer apiRef = api;
            Scheduler schedulerRef = scheduler;
            Host hostRef = host;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                // Running jobs stay marked running: the next start resumes them from their checkpoints.
                log("pretext serve: stopping");
                apiRef.close();
                schedulerRef.close();
                index.close();
                hostRef.close();
                stop.countDown();
            }, "pretext-serve-stop"));
            api = null;
            scheduler = null;
            host = null;
            handedOver[0] = true;
            stop.await();
            return 0;
        } finally {
            if (api != null) {
                api.close();
            }
            if (scheduler != null) {
                scheduler.close();
            }
            if (host != null) {
                host.close();
            }
            if (host != null || api != null || scheduler != null || !handedOver[0]) {
                index.close();
            }
        }
    }

    private Path home() {
        if (home != null) {
            return home;
        }
        String env = System.getenv("PRETEXT_SERVER_HOME");
        return env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".local", "share", "pretext",
                "server");
    }

    /** A new home's watched folder starts with the distribution's bundles; after that it is the operator's. */
    private static Path seedPlugins(Path plugins) throws IOException {
        if (!Files.isDirectory(plugins)) {
            Path tmp = plugins.resolveSibling(".plugins.tmp");
            Files.createDirectories(tmp);
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(Main.dist().resolve("plugins"), "*.jar")) {
                for (Path jar : ds) {
                    Files.copy(jar, tmp.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(tmp, plugins, StandardCopyOption.ATOMIC_MOVE);
        }
        return plugins;
    }

    static synchronized void log(String line) {
        System.out.println(Instant.now() + " " + line);
        System.out.flush();
    }
}
