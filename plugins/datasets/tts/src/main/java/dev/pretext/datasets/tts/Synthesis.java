package dev.pretext.datasets.tts;

import dev.pretext.api.data.PhoneSegment;

import java.util.List;

/**
 * Rendered audio, at the engine's own rate, and its phone alignment in the common phone set (seconds).
 *
 * @param samples    16-bit PCM mono
 * @param sampleRate samples per second
 * @param phones     contiguous from 0 to the end of the audio
 */
record Synthesis(short[] samples, int sampleRate, List<PhoneSegment> phones) {
    double seconds() {
        return samples.length / (double) sampleRate;
    }
}
