package dev.pretext.core.plugins;

import dev.pretext.api.PluginFactory;
import dev.pretext.api.PluginKind;
import org.osgi.framework.Version;

/**
 * One plugin as the registry sees it.
 *
 * @param bundle   symbolic name of the bundle that registered it
 * @param location where the bundle was installed from (a file URI for bundles from the plugins folder)
 */
public record InstalledPlugin(PluginKind kind, String type, Version version, String bundle, String location,
                              PluginFactory<?, ?> factory) {
    public String describe() {
        return kind.id() + " " + type + " " + version;
    }
}
