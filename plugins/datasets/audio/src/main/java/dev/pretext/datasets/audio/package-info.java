/**
 * Reading speech audio for the dataset bundles: WAV and FLAC (a decoder written from RFC 9639), picked by
 * content, downmixed to mono and resampled to 16 kHz; one checked exception with a one-line reason for every
 * file that cannot be used; the skip-or-fail policy for such files. Exported by the
 * {@code dev.pretext.datasets.audio} bundle and imported by the dataset bundles.
 */
@org.osgi.annotation.versioning.Version("1.1.0")
package dev.pretext.datasets.audio;
