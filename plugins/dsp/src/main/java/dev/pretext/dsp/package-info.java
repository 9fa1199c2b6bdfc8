/**
 * Signal processing that bundles of several kinds share: the FFT (complex, and the power spectrum of a real
 * frame). Exported by the {@code dev.pretext.dsp} bundle; the fbank frontend, HuBERT's MFCC targets and the noise
 * and reverb augmentations import it.
 */
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.pretext.dsp;
