package dev.pretext.core.plugins;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.PluginKind;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads plugins from the OSGi service registry: every {@link PluginFactory} service with the
 * {@code plugin.kind} and {@code plugin.type} properties. The version is the registering bundle's version.
 *
 * <p>Each service is looked at once: a factory whose component cannot be built, or whose
 * {@code configType()}, {@code implementationType()} or {@code description()} throws, becomes a
 * {@link BundleProblem} and is not asked again (asking again would make SCR build and log it again).
 */
public final class OsgiPluginRegistry implements PluginRegistry {
    private final BundleContext context;
    private final Path pluginsDir;
    private final String logHint;
    /** By service id: the plugin, or why it is not one. */
    private final Map<Long, Object> seen = new ConcurrentHashMap<>();
    /** By bundle id, last modification and state: why it did not start (finding out runs its activator again). */
    private final Map<String, String> notStarted = new ConcurrentHashMap<>();

    /** @param pluginsDir the watched folder; bundles installed from it are checked by {@link #problems()} */
    public OsgiPluginRegistry(BundleContext context, Path pluginsDir) {
        this(context, pluginsDir, null);
    }

    /** @param log where the framework's own messages (stack traces included) go, named in problems; may be null */
    public OsgiPluginRegistry(BundleContext context, Path pluginsDir, Path log) {
        this.context = context;
        this.pluginsDir = pluginsDir;
        this.logHint = log == null ? "" : " (stack trace in " + log + ")";
    }

    @Override
    public List<InstalledPlugin> plugins() {
        List<InstalledPlugin> found = new ArrayList<>();
        for (Object entry : entries()) {
            if (entry instanceof InstalledPlugin p) {
                found.add(p);
            }
        }
        found.sort(Comparator.comparing(InstalledPlugin::kind)
                .thenComparing(InstalledPlugin::type).thenComparing(InstalledPlugin::version));
        return found;
    }

    /** Every current plugin service, looked at once each; entries of services that are gone are dropped. */
    private List<Object> entries() {
        ServiceReference<?>[] refs;
        try {
            refs = context.getAllServiceReferences(PluginFactory.class.getName(), null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<Object> entries = new ArrayList<>();
        Set<Long> live = new HashSet<>();
        for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
            Long id = (Long) ref.getProperty(Constants.SERVICE_ID);
            live.add(id);
            Object entry = seen.get(id);
            if (entry == null) {
                entry = look(ref);
                if (entry == null) {
                    continue;
                }
                seen.put(id, entry);
            }
            entries.add(entry);
        }
        seen.keySet().retainAll(live);
        return entries;
    }

    /** The plugin behind a service, a problem, or null for a service that is not a pretext plugin. */
    private Object look(ServiceReference<?> ref) {
        Object kind = ref.getProperty(PluginFactory.KIND);
        Object type = ref.getProperty(PluginFactory.TYPE);
        Bundle bundle = ref.getBundle();
        if (kind == null || type == null || bundle == null) {
            return null;
        }
        PluginKind pluginKind;
        try {
            pluginKind = PluginKind.fromId(kind.toString());
        } catch (IllegalArgumentException e) {
            return problem(bundle, kind + " " + type, "unknown plugin kind '" + kind + "'; kinds: "
                    + String.join(", ", java.util.Arrays.stream(PluginKind.values()).map(PluginKind::id).toList()));
        }
        String plugin = pluginKind.id() + " " + type;
        Object service;
        try {
            service = context.getService(ref);
        } catch (RuntimeException e) {
            service = null;
        }
        if (service == null) {
            // SCR could not build the component (its constructor or activate method threw); it says why in a DTO.
            Object name = ref.getProperty("component.name");
            String cause = ComponentFailures.cause(context, bundle, name == null ? null : name.toString());
            return problem(bundle, plugin, "its component failed to activate: "
                    + (cause == null ? "no reason given" : cause) + logHint);
        }
        if (!(service instanceof PluginFactory<?, ?> factory)) {
            return problem(bundle, plugin, "its service is not a " + PluginFactory.class.getName()
                    + " of this host (" + service.getClass().getName() + "); does it import dev.pretext.api?");
        }
        String step = "configType()";
        try {
            require(factory.configType(), step);
            step = "implementationType()";
            require(factory.implementationType(), step);
            step = "description()";
            factory.description();
        } catch (RuntimeException | LinkageError e) {
            return problem(bundle, plugin, step + " threw " + oneLine(e));
        }
        return new InstalledPlugin(pluginKind, type.toString(), bundle.getVersion(), bundle.getSymbolicName(),
                bundle.getLocation(), factory);
    }

    private static void require(Object value, String step) {
        if (value == null) {
            throw new IllegalStateException(step + " returned null");
        }
    }

    private static BundleProblem problem(Bundle b, String plugin, String cause) {
        return new BundleProblem(name(b), String.valueOf(b.getVersion()), b.getLocation(), state(b), plugin, cause);
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
    }

    @Override
    public List<BundleProblem> problems() {
        List<BundleProblem> problems = new ArrayList<>();
        Set<Long> withPluginProblems = new HashSet<>();
        for (Object entry : entries()) {
            if (entry instanceof BundleProblem p && fromPluginsDir(p.location())) {
                problems.add(p);
            }
        }
        for (BundleProblem p : problems) {
            Bundle b = context.getBundle(p.location());
            if (b != null) {
                withPluginProblems.add(b.getBundleId());
            }
        }
        Set<String> locations = new HashSet<>();
        for (Bundle b : context.getBundles()) {
            String location = b.getLocation();
            if (!fromPluginsDir(location)) {
                continue;
            }
            locations.add(location);
            if (b.getState() != Bundle.ACTIVE) {
                String cause = notStarted.computeIfAbsent(
                        b.getBundleId() + "@" + b.getLastModified() + "@" + b.getState(), k -> cause(b));
                problems.add(new BundleProblem(name(b), String.valueOf(b.getVersion()), location, state(b), cause));
            } else if ((b.getRegisteredServices() == null || b.getRegisteredServices().length == 0)
                    && !withPluginProblems.contains(b.getBundleId())
                    // An active bundle that exports packages is a library for other plugins (probe support, ...).
                    && b.getHeaders().get(Constants.EXPORT_PACKAGE) == null) {
                problems.add(new BundleProblem(name(b), String.valueOf(b.getVersion()), location, "active",
                        "registers no plugin (its component may have failed to activate, or it is not a pretext plugin)"));
            }
        }
        problems.addAll(notBundles(locations));
        return problems;
    }

    /** Files of the plugins folder that can never be installed: the framework never reports them. */
    private List<BundleProblem> notBundles(Set<String> installed) {
        List<BundleProblem> problems = new ArrayList<>();
        if (!Files.isDirectory(pluginsDir)) {
            return problems;
        }
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(pluginsDir, "*.jar")) {
            ds.forEach(jars::add);
        } catch (IOException e) {
            return problems;
        }
        jars.sort(Comparator.naturalOrder());
        for (Path jar : jars) {
            String uri = jar.toUri().toString();
            if (installed.contains(uri) || installed.contains("file:" + jar.toAbsolutePath())) {
                continue;
            }
            String why = BundleFiles.whyNotABundle(jar);
            if (why != null) {
                problems.add(new BundleProblem(jar.getFileName().toString(), "-", uri, "not a bundle", why));
            }
        }
        return problems;
    }

    private boolean fromPluginsDir(String location) {
        return location != null
                && (location.startsWith(pluginsDir.toUri().toString()) || location.startsWith("file:" + pluginsDir));
    }

    private static String name(Bundle b) {
        return b.getSymbolicName() == null ? b.getLocation() : b.getSymbolicName();
    }

    /**
     * Asking the framework to start an unresolved bundle is how OSGi says what is missing; for an activator
     * that threw, the framework's message names only the bundle, so its cause is added.
     */
    private static String cause(Bundle b) {
        try {
            b.start(Bundle.START_TRANSIENT);
            return b.getState() == Bundle.ACTIVE ? "started late (try again)" : "not started";
        } catch (BundleException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            Throwable root = e.getCause();
            while (root != null && root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root == null ? message : message + " " + oneLine(root);
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    private static String state(Bundle b) {
        return switch (b.getState()) {
            case Bundle.INSTALLED -> "installed (unresolved)";
            case Bundle.RESOLVED -> "resolved (not started)";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            case Bundle.ACTIVE -> "active";
            case Bundle.UNINSTALLED -> "uninstalled";
            default -> "unknown";
        };
    }
}
