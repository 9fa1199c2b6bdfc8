/** See docs/PLUGINS.md. The SPI follows semantic versioning: a breaking change raises the major version. */
@org.osgi.annotation.versioning.Version("2.0.0")
package dev.pretext.api.model;
