/** See docs/PLUGINS.md. The SPI follows semantic versioning: a breaking change raises the major version. */
@org.osgi.annotation.versioning.Version("1.0.1")
package dev.pretext.api.probe;
