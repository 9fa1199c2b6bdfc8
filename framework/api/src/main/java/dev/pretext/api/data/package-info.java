/**
 * See docs/PLUGINS.md. The SPI follows semantic versioning: a breaking change raises the major version.
 * 1.2.0 added {@link dev.pretext.api.data.FeatureAugmentation}; 1.3.0 {@link dev.pretext.api.data.Dataset#summary()}.
 */
@org.osgi.annotation.versioning.Version("1.3.1")
package dev.pretext.api.data;
