package dev.pretext.launcher;

import ai.djl.engine.Engine;
import dev.pretext.core.UserError;
import dev.pretext.core.plugins.BundleFiles;
import dev.pretext.core.plugins.OsgiPluginRegistry;
import dev.pretext.core.plugins.PluginRegistry;
import org.apache.felix.framework.Felix;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.service.log.LogService;
import org.osgi.service.log.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded OSGi host: Apache Felix with Declarative Services and FileInstall watching the plugins folder.
 * The host's class path (the SPI, DJL, Guice, Jackson) is exported to bundles, and DJL's engine is
 * initialised here, before any bundle runs, because DJL chooses engines once per JVM from the thread's
 * class loader.
 */
public final class Host implements AutoCloseable {
    private final Framework framework;
    private final HostStorage storage;
    private final Path pluginsDir;
    private final HostLog log;
    private final OsgiPluginRegistry registry;

    private Host(Framework framework, HostStorage storage, Path pluginsDir, HostLog log) {
        this.framework = framework;
        this.storage = storage;
        this.pluginsDir = pluginsDir;
        this.log = log;
        this.registry = new OsgiPluginRegistry(framework.getBundleContext(), pluginsDir, log.file());
    }

    /** Starts a host that logs into the default cache's {@code logs/host.log}; see {@link #start(Path, Path, Path)}. */
    public static Host start(Path systemDir, Path pluginsDir) {
        return start(systemDir, pluginsDir, defaultLog());
    }

    /** {@code $PRETEXT_CACHE/logs/host.log}, or {@code ~/.cache/pretext/logs/host.log}. */
    public static Path defaultLog() {
        String env = System.getenv("PRETEXT_CACHE");
        Path cache = env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "pretext");
        return cache.resolve("logs").resolve("host.log");
    }

    /**
     * A host whose PyTorch engine (libtorch) is loaded first, on this thread, for commands that make tensors. Not on
     * another thread beside the framework's start: DJL turns libtorch's gradient mode off on the thread that loads
     * the engine, and that mode is per thread (a run's parameters made with it on fail "a leaf Variable that requires
     * grad is being used in an in-place operation").
     *
     * @param systemDir  the framework's own bundles (SCR, FileInstall and their dependencies)
     * @param pluginsDir the watched folder of plugin bundles
     * @param logFile    where the framework, SCR and FileInstall log (stack traces of failing plugins)
     */
    public static Host start(Path systemDir, Path pluginsDir, Path logFile) {
        return start(systemDir, pluginsDir, logFile, true);
    }

    /**
     * A host that does not load libtorch, for commands that make no tensors ({@code pretext plugins},
     * {@code recipe check}): loading it is most of a short command's time. DJL's engine is still found here,
     * through the host's class loader, so that something which does make a tensor later gets the PyTorch engine
     * (loaded then, without {@link NativeLogging}'s level).
     */
    public static Host startWithoutEngine(Path systemDir, Path pluginsDir, Path logFile) {
        return start(systemDir, pluginsDir, logFile, false);
    }

    private static Host start(Path systemDir, Path pluginsDir, Path logFile, boolean withEngine) {
        StartupTrace.mark("host start" + (withEngine ? "" : " (no engine)"));
        // FileInstall names bundles by normalised URI; compare like with like.
        pluginsDir = pluginsDir.toAbsolutePath().normalize();
        systemDir = systemDir.toAbsolutePath().normalize();
        if (!Files.isDirectory(pluginsDir)) {
            throw new UserError("plugins folder " + pluginsDir + " does not exist; build the distribution with "
                    + "./pretext (or mvn package) or pass --plugins DIR");
        }
        if (withEngine) {
            initialiseEngine();
        } else {
            discoverEngine();
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        HostLog log = null;
        HostStorage storage = null;
        Felix felix = null;
        try {
            HostStorage.removeAbandoned(tmp);
            log = HostLog.open(logFile);
            storage = HostStorage.create(tmp);
            Map<String, Object> config = new HashMap<>();
            config.put(Constants.FRAMEWORK_STORAGE, storage.frameworkDir().toString());
            config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
            config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, SystemPackages.compute(hostClassPath(),
                    systemPackagesCache(log.file())));
            config.put("felix.fileinstall.dir", pluginsDir.toAbsolutePath().toString());
            config.put("felix.fileinstall.poll", "300");
            config.put("felix.fileinstall.noInitialDelay", "true");
            config.put("felix.fileinstall.bundles.new.start", "true");
            config.put("felix.fileinstall.log.level", "1");
            config.put("felix.fileinstall.filter", ".*\\.jar");
            config.put("felix.log.level", "1");
            config.put("felix.log.logger", log.felixLogger());
            StartupTrace.mark("system packages computed");
            felix = new Felix(config);
            felix.init();
            felix.start();
            StartupTrace.mark("felix started");
            BundleContext ctx = felix.getBundleContext();
            // Before SCR and FileInstall start, so that they log here from their first message on.
            ctx.registerService(new String[]{LoggerFactory.class.getName(), LogService.class.getName()}, log, null);
            List<Bundle> system = new ArrayList<>();
            for (Path jar : jars(systemDir)) {
                system.add(ctx.installBundle(jar.toUri().toString()));
            }
            for (Bundle b : system) {
                if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    b.start();
                }
            }
            StartupTrace.mark("system bundles started");
            Host host = new Host(felix, storage, pluginsDir, log);
            host.awaitPlugins(15_000);
            StartupTrace.mark("plugins settled");
            return host;
        } catch (IOException e) {
            cleanUp(felix, storage, log);
            throw new UncheckedIOException(e);
        } catch (BundleException e) {
            cleanUp(felix, storage, log);
            throw new IllegalStateException("the OSGi host failed to start: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            cleanUp(felix, storage, log);
            throw e;
        }
    }

    /** Beside the log's folder: {@code <cache>/host/system-packages.txt} for the default log. */
    private static Path systemPackagesCache(Path logFile) {
        Path logs = logFile.toAbsolutePath().getParent();
        Path base = logs.getParent() != null ? logs.getParent() : logs;
        return base.resolve("host").resolve("system-packages.txt");
    }

    private static void cleanUp(Felix felix, HostStorage storage, HostLog log) {
        if (felix != null) {
            try {
                felix.stop();
                felix.waitForStop(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (BundleException | RuntimeException e) {
                // Failing anyway; the storage goes below.
            }
        }
        if (storage != null) {
            storage.close();
        }
        if (log != null) {
            log.close();
        }
    }

    /**
     * DJL chooses its engines once per JVM, through the thread's class loader: this makes it choose them through the
     * host's without loading libtorch (DJL's {@code Engine} class finds its providers when it is initialised).
     */
    static void discoverEngine() {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.setProperty("OPT_OUT_TRACKING", "true");
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(Host.class.getClassLoader());
        try {
            Engine.getAllEngines();
        } finally {
            t.setContextClassLoader(previous);
        }
        StartupTrace.mark("engine discovered");
    }

    /**
     * Whether libtorch is loaded in this process (its {@code libc10} is mapped): what a command without tensors
     * must not have done. False where {@code /proc/self/maps} cannot be read.
     */
    public static boolean libtorchLoaded() {
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.anyMatch(l -> l.endsWith("/libc10.so"));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** DJL must find its engine through the host's class loader, offline, before bundles exist. */
    static void initialiseEngine() {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.setProperty("OPT_OUT_TRACKING", "true");
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(Host.class.getClassLoader());
        try {
            Engine.getInstance();
        } finally {
            t.setContextClassLoader(previous);
        }
        StartupTrace.mark("engine loaded");
        NativeLogging.apply();
    }

    private static List<Path> hostClassPath() {
        List<Path> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                jars.add(Path.of(entry));
            }
        }
        return jars;
    }

    private static List<Path> jars(Path dir) throws IOException {
        List<Path> jars = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.jar")) {
                ds.forEach(jars::add);
            }
        }
        jars.sort(Comparator.naturalOrder());
        return jars;
    }

    /**
     * Waits until FileInstall has installed every jar of the plugins folder and each started bundle's
     * components have registered (or failed), so that the first look at the registry sees everything.
     */
    public void awaitPlugins(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        int stableRounds = 0;
        int lastCount = -1;
        while (System.currentTimeMillis() < deadline) {
            List<Path> expected = new ArrayList<>();
            try {
                for (Path jar : jars(pluginsDir)) {
                    // A jar that is not a bundle never appears; waiting for it cost the whole timeout.
                    if (bundleAt(jar) != null || BundleFiles.whyNotABundle(jar) == null) {
                        expected.add(jar);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            int installed = 0;
            boolean settling = false;
            for (Path jar : expected) {
                Bundle b = bundleAt(jar);
                if (b != null) {
                    installed++;
                    settling |= b.getState() == Bundle.STARTING;
                }
            }
            int services = registry.plugins().size();
            if (installed == expected.size() && !settling && services == lastCount) {
                if (++stableRounds >= 2) {
                    return;
                }
            } else {
                stableRounds = 0;
            }
            lastCount = services;
            sleep(50);
        }
    }

    private Bundle bundleAt(Path jar) {
        String uri = jar.toUri().toString();
        String plain = "file:" + jar.toAbsolutePath();
        for (Bundle b : framework.getBundleContext().getBundles()) {
            String loc = b.getLocation();
            if (loc.equals(uri) || loc.equals(plain) || loc.equals(jar.toAbsolutePath().toUri().toString())) {
                return b;
            }
        }
        return null;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops watching the plugins folder: the bundles installed so far serve this host until it closes, whatever
     * happens to their jars. A run must use the bundles its manifest names; a jar rebuilt or replaced while it
     * trains would otherwise be updated under it (FileInstall refreshes the bundle, and the run's next class load
     * from it fails with "the bundle wiring is no longer valid"). Only the long-lived server keeps watching.
     */
    public void stopWatching() {
        for (Bundle b : framework.getBundleContext().getBundles()) {
            if ("org.apache.felix.fileinstall".equals(b.getSymbolicName())) {
                try {
                    // FileInstall's stop ends its watcher thread and leaves the bundles it installed in place.
                    b.stop();
                } catch (BundleException e) {
                    throw new IllegalStateException("could not stop watching " + pluginsDir + ": " + e.getMessage(), e);
                }
            }
        }
    }

    public PluginRegistry registry() {
        return registry;
    }

    public BundleContext context() {
        return framework.getBundleContext();
    }

    public Path pluginsDir() {
        return pluginsDir;
    }

    @Override
    public void close() {
        StartupTrace.mark("host closing");
        try {
            framework.stop();
            framework.waitForStop(10_000);
        } catch (BundleException | InterruptedException e) {
            // Shutting down anyway.
        }
        StartupTrace.mark("framework stopped");
        storage.close();
        log.close();
        StartupTrace.mark("host closed");
    }

    /** Where the framework, SCR and FileInstall log. */
    public Path log() {
        return log.file();
    }
}
