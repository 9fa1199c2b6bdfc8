package dev.pretext.api.data;

import dev.pretext.api.audio.Waveform;
import org.osgi.annotation.versioning.ConsumerType;

import java.io.IOException;
import java.util.List;

/**
 * A corpus. Implementations must be safe for concurrent {@link #audio} calls from loader threads.
 */
@ConsumerType
public interface Dataset {
    /**
     * Every utterance, in a stable order (the same files give the same list). May do one-off work on first
     * call, such as synthesising or indexing the corpus.
     */
    List<Utterance> utterances() throws IOException;

    /** The utterance's audio at {@link Waveform#RATE} Hz, mono. */
    Waveform audio(Utterance utterance) throws IOException;

    /** Files left out of {@link #utterances()}, each with a one-line reason; valid after listing. */
    default List<SkippedFile> skipped() {
        return List.of();
    }

    /**
     * What a person should know about the corpus beyond its utterances, in one short line (e.g. the tts dataset's
     * speakers per engine), shown by {@code pretext corpus synth}; empty when there is nothing to add. Valid
     * after {@link #utterances()}. Since 1.3.0.
     */
    default String summary() throws IOException {
        return "";
    }
}
