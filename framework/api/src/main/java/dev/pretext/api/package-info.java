/**
 * See docs/PLUGINS.md. The SPI follows semantic versioning: a breaking change raises the major version.
 * 1.1.0 added {@link dev.pretext.api.PluginKind#contracts()} and {@link dev.pretext.api.PluginKind#accepts(Class)}.
 */
@org.osgi.annotation.versioning.Version("1.1.1")
package dev.pretext.api;
