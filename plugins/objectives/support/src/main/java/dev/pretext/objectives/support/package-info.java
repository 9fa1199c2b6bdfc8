/**
 * Machinery several objectives share: span masking (overlapping, as wav2vec 2.0 and HuBERT draw it, or
 * non-overlapping, as TERA and BEST-RQ need it) and the masked-frame replacement. Exported by the
 * {@code dev.pretext.objectives.support} bundle and imported by the objective bundles (1.2.0: the placements).
 */
@org.osgi.annotation.versioning.Version("1.2.0")
package dev.pretext.objectives.support;
