/**
 * Machinery every SUPERB-style probe shares: the learnable softmax-weighted sum of frozen layers. Exported by
 * the {@code dev.pretext.probes.support} bundle and imported by the probe bundles.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.pretext.probes.support;
