/** Markers of the api's stability, for plugin authors. See docs/PLUGINS.md. */
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.pretext.api.annotation;
