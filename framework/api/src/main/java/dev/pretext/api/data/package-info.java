/**
 * See docs/PLUGINS.md. The SPI follows semantic versioning: a breaking change raises the major version.
 * 1.2.0 added {@link dev.pretext.api.data.FeatureAugmentation}.
 */
@org.osgi.annotation.versioning.Version("1.2.0")
package dev.pretext.api.data;
