/**
 * Machinery several augmentations share: a radix-2 FFT. Exported by the {@code dev.pretext.augmentations.support}
 * bundle and imported by the augmentation bundles.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.pretext.augmentations.support;
