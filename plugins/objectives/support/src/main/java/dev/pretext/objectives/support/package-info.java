/**
 * Machinery several objectives share: wav2vec 2.0-style span masking and the masked-frame replacement. Exported by the
 * {@code dev.pretext.objectives.support} bundle and imported by the objective bundles.
 */
@org.osgi.annotation.versioning.Version("1.1.0")
package dev.pretext.objectives.support;
