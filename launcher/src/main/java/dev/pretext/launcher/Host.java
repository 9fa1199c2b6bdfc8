package dev.pretext.launcher;

import ai.djl.engine.Engine;
import dev.pretext.core.UserError;
import dev.pretext.core.plugins.OsgiPluginRegistry;
import dev.pretext.core.plugins.PluginRegistry;
import org.apache.felix.framework.Felix;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;

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
    private final Path storage;
    private final Path pluginsDir;
    private final OsgiPluginRegistry registry;

    private Host(Framework framework, Path storage, Path pluginsDir) {
        this.framework = framework;
        this.storage = storage;
        this.pluginsDir = pluginsDir;
        this.registry = new OsgiPluginRegistry(framework.getBundleContext(), pluginsDir);
    }

    /**
     * @param systemDir  the framework's own bundles (SCR, FileInstall and their dependencies)
     * @param pluginsDir the watched folder of plugin bundles
     */
    public static Host start(Path systemDir, Path pluginsDir) {
        initialiseEngine();
        // FileInstall names bundles by normalised URI; compare like with like.
        pluginsDir = pluginsDir.toAbsolutePath().normalize();
        systemDir = systemDir.toAbsolutePath().normalize();
        if (!Files.isDirectory(pluginsDir)) {
            throw new UserError("plugins folder " + pluginsDir + " does not exist; build the distribution with "
                    + "./pretext (or mvn package) or pass --plugins DIR");
        }
        try {
            Path storage = Files.createTempDirectory("pretext-felix-");
            Map<String, String> config = new HashMap<>();
            config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
            config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
            config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, SystemPackages.compute(hostClassPath()));
            config.put("felix.fileinstall.dir", pluginsDir.toAbsolutePath().toString());
            config.put("felix.fileinstall.poll", "300");
            config.put("felix.fileinstall.noInitialDelay", "true");
            config.put("felix.fileinstall.bundles.new.start", "true");
            config.put("felix.fileinstall.log.level", "1");
            config.put("felix.fileinstall.filter", ".*\\.jar");
            config.put("felix.log.level", "1");
            Felix felix = new Felix(config);
            felix.init();
            felix.start();
            BundleContext ctx = felix.getBundleContext();
            List<Bundle> system = new ArrayList<>();
            for (Path jar : jars(systemDir)) {
                system.add(ctx.installBundle(jar.toUri().toString()));
            }
            for (Bundle b : system) {
                if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    b.start();
                }
            }
            Host host = new Host(felix, storage, pluginsDir);
            host.awaitPlugins(15_000);
            return host;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (BundleException e) {
            throw new IllegalStateException("the OSGi host failed to start: " + e.getMessage(), e);
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
            List<Path> expected;
            try {
                expected = jars(pluginsDir);
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
        try {
            framework.stop();
            framework.waitForStop(10_000);
        } catch (BundleException | InterruptedException e) {
            // Shutting down anyway.
        }
        try (var walk = Files.walk(storage)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A leftover temp folder is harmless.
        }
    }
}
