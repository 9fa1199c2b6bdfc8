package dev.pretext.datasets.audio;

/**
 * What a file's header says, checked against the file.
 *
 * @param format        {@code "WAV"} or {@code "FLAC"}
 * @param sampleRate    the file's own rate in Hz
 * @param channels      channel count (downmixed on reading)
 * @param bitsPerSample bits of each sample as stored
 * @param frames        sample frames (one sample per channel) in the file
 */
public record AudioInfo(String format, int sampleRate, int channels, int bitsPerSample, long frames) {
    public double seconds() {
        return frames / (double) sampleRate;
    }

    /** Samples {@link AudioReader#read} returns: the same duration at 16 kHz, rounded up. */
    public long samplesAt16k() {
        return Resampler.outputLength(frames, sampleRate, AudioReader.RATE);
    }
}
