package dev.pretext.datasets.tts;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real flite (Debian's flite package) with every 16 kHz voice; the shared checks are in the contract. */
class FliteEngineTest extends FliteFestivalContract {
    private Engine engine;

    @BeforeAll
    void installed() {
        assertEquals(java.util.Optional.empty(), FliteEngine.missing(), "flite must be installed for these tests");
        engine = track(new FliteEngine(2));
    }

    @Override
    Engine open(int threads) {
        return new FliteEngine(threads);
    }

    @Override
    Engine engine() {
        return engine;
    }

    @Override
    boolean honoursPitch(EngineVoice voice) {
        return !voice.name().equals("rms");
    }

    @Test
    void offersTheFourSixteenKilohertzVoicesAsTheirTalkers() throws IOException {
        assertEquals(List.of("kal16", "awb", "rms", "slt"), engine.voices().stream().map(EngineVoice::name).toList());
        assertEquals(List.of("kal", "awb", "rms", "slt"), engine.voices().stream().map(EngineVoice::person).toList());
        for (EngineVoice v : engine.voices()) {
            assertEquals(16_000, engine.speak(v, PLAIN, "yes").sampleRate(), v.name());
        }
    }

    @Test
    void kal16sClosingPauseIsCutToTheAudio() throws IOException {
        // kal16 stops rendering half-way through its closing pause; the pause, not the speech, gives way.
        Synthesis s = engine.speak(FliteEngine.KAL16, PLAIN, "one two");
        assertEquals("sil w ah n t uw sil", String.join(" ", labels(s)));
        var last = s.phones().get(s.phones().size() - 1);
        assertTrue(last.end() - last.start() > 0.05, "closing pause " + last);
    }
}
