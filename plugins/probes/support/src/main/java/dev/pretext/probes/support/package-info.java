/**
 * Machinery every SUPERB-style probe shares: the learnable softmax-weighted sum of frozen layers, standardisation of
 * frames and of pooled vectors, layer-major batches, the seeded mini-batch Adam loop, CTC loss and greedy decoding,
 * and edit distance. Exported by the {@code dev.pretext.probes.support} bundle and imported by the probe bundles.
 */
@org.osgi.annotation.versioning.Version("1.2.0")
package dev.pretext.probes.support;
