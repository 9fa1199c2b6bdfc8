package dev.pretext.datasets.tts;

import java.io.IOException;
import java.util.List;

/**
 * A speech synthesiser the corpus speaks with. One instance serves a whole corpus generation and is closed
 * after it; {@link #speak} is called from several synthesis threads, at most {@link #maxParallel()} at once.
 * Output must depend only on the arguments, never on timing or on earlier calls, so a seed gives one corpus.
 */
interface Engine extends AutoCloseable {
    /** The name used in recipes and on the command line: {@code freetts}, {@code espeak}, {@code flite}, {@code festival}. */
    String name();

    /** The voices this engine offers, in a fixed order. */
    List<EngineVoice> voices();

    /** How many {@link #speak} calls may run at once (1 for a library with global state). */
    int maxParallel();

    /**
     * Renders {@code text} (lowercase words separated by single spaces, no punctuation) with one of
     * {@link #voices()} and the prosody given. The phones must be in {@link PhoneSet#COMMON}, contiguous from
     * 0 to the end of the audio.
     *
     * @throws IOException when the engine fails; the message names the engine, the voice and the text
     */
    Synthesis speak(EngineVoice voice, Prosody prosody, String text) throws IOException;

    @Override
    void close();
}
