package dev.pretext.core.plugins;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.PluginKind;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads plugins from the OSGi service registry: every {@link PluginFactory} service with the
 * {@code plugin.kind} and {@code plugin.type} properties. The version is the registering bundle's version.
 */
public final class OsgiPluginRegistry implements PluginRegistry {
    private final BundleContext context;
    private final Path pluginsDir;

    /** @param pluginsDir the watched folder; bundles installed from it are checked by {@link #problems()} */
    public OsgiPluginRegistry(BundleContext context, Path pluginsDir) {
        this.context = context;
        this.pluginsDir = pluginsDir;
    }

    @Override
    public List<InstalledPlugin> plugins() {
        List<InstalledPlugin> found = new ArrayList<>();
        ServiceReference<?>[] refs;
        try {
            refs = context.getAllServiceReferences(PluginFactory.class.getName(), null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (refs == null) {
            return List.of();
        }
        for (ServiceReference<?> ref : refs) {
            Object kind = ref.getProperty(PluginFactory.KIND);
            Object type = ref.getProperty(PluginFactory.TYPE);
            Bundle bundle = ref.getBundle();
            if (kind == null || type == null || bundle == null) {
                continue;
            }
            PluginKind pluginKind;
            try {
                pluginKind = PluginKind.fromId(kind.toString());
            } catch (IllegalArgumentException e) {
                continue;
            }
            Object service = context.getService(ref);
            if (!(service instanceof PluginFactory<?, ?> factory)) {
                continue;
            }
            found.add(new InstalledPlugin(pluginKind, type.toString(), bundle.getVersion(), bundle.getSymbolicName(),
                    bundle.getLocation(), factory));
        }
        found.sort(Comparator.comparing((InstalledPlugin p) -> p.kind().ordinal())
                .thenComparing(InstalledPlugin::type).thenComparing(InstalledPlugin::version));
        return found;
    }

    @Override
    public List<BundleProblem> problems() {
        List<BundleProblem> problems = new ArrayList<>();
        String prefix = pluginsDir.toUri().toString();
        for (Bundle b : context.getBundles()) {
            String location = b.getLocation();
            if (location == null || !(location.startsWith(prefix) || location.startsWith("file:" + pluginsDir))) {
                continue;
            }
            if (b.getState() != Bundle.ACTIVE) {
                problems.add(new BundleProblem(name(b), String.valueOf(b.getVersion()), location, state(b), cause(b)));
            } else if ((b.getRegisteredServices() == null || b.getRegisteredServices().length == 0)
                    // An active bundle that exports packages is a library for other plugins (probe support, ...).
                    && b.getHeaders().get(org.osgi.framework.Constants.EXPORT_PACKAGE) == null) {
                problems.add(new BundleProblem(name(b), String.valueOf(b.getVersion()), location, "active",
                        "registers no plugin (its component may have failed to activate, or it is not a pretext plugin)"));
            }
        }
        return problems;
    }

    private static String name(Bundle b) {
        return b.getSymbolicName() == null ? b.getLocation() : b.getSymbolicName();
    }

    /** Asking the framework to start an unresolved bundle is how OSGi says what is missing. */
    private static String cause(Bundle b) {
        try {
            b.start(Bundle.START_TRANSIENT);
            return b.getState() == Bundle.ACTIVE ? "started late (try again)" : "not started";
        } catch (BundleException e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
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
