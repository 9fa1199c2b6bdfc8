package dev.pretext.datasets.tts;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Speaker planning only: which voices, pitches and rates; the engines' voice lists stand in for engines. */
class SpeakersTest {
    /** An engine's voice list; never asked to speak. */
    private record Voices(String name, List<EngineVoice> voices) implements Engine {
        @Override
        public int maxParallel() {
            return 1;
        }

        @Override
        public Synthesis speak(EngineVoice voice, Prosody prosody, String text) {
            throw new AssertionError("planning must not synthesise");
        }

        @Override
        public void close() {
        }
    }

    private static final Engine FREETTS = new Voices("freetts", List.of(FreeTtsEngine.KEVIN));
    private static final Engine RULES = new Voices("rules", List.of(
            new EngineVoice("rules", "a+m", "rules-a+m", 90, 140), new EngineVoice("rules", "a+f", "rules-a+f", 170, 240),
            new EngineVoice("rules", "b+m", "rules-b+m", 90, 140)));
    private static final Engine RECORDED = new Voices("recorded", List.of(
            new EngineVoice("recorded", "kal16", "kal", 85, 130), new EngineVoice("recorded", "slt", "slt", 150, 210)));

    @Test
    void freeTtsAloneGivesTheOriginalSpeakers() {
        assertEquals(Speakers.forSeed(3, 8), Speakers.forVoices(3, 8, Speakers.claim(List.of(FREETTS))));
    }

    @Test
    void speakersAreSharedEvenlyAmongEnginesAndRoundRobinOverVoices() {
        List<SpeakerVoice> speakers = Speakers.forVoices(7, 10, Speakers.claim(List.of(FREETTS, RULES, RECORDED)));
        assertEquals(10, speakers.size());
        Map<String, Integer> perEngine = new HashMap<>();
        Map<String, Integer> perVoice = new HashMap<>();
        Set<String> labels = new HashSet<>();
        for (SpeakerVoice s : speakers) {
            perEngine.merge(s.voice().engine(), 1, Integer::sum);
            perVoice.merge(s.voice().engine() + "/" + s.voice().name(), 1, Integer::sum);
            assertTrue(labels.add(s.label()), "duplicate " + s.label());
            assertTrue(s.pitchHz() >= s.voice().lowHz() && s.pitchHz() <= s.voice().highHz(), s.label());
            assertTrue(s.durationStretch() >= 0.85 && s.durationStretch() <= 1.2, s.label());
        }
        // 10 over 3 engines: 4, 3, 3; freetts's 4 all kevin16; rules' 3 one per voice; recorded's 3 all slt
        assertEquals(Map.of("freetts", 4, "rules", 3, "recorded", 3), perEngine);
        assertEquals(1, perVoice.get("rules/a+f"));
        assertEquals(3, perVoice.get("recorded/slt"));
        assertEquals(null, perVoice.get("recorded/kal16"), "kal speaks under FreeTTS, the first engine offering it");
    }

    @Test
    void aTalkerSpeaksUnderTheFirstEngineOfferingIt() {
        List<List<EngineVoice>> claimed = Speakers.claim(List.of(FREETTS, RECORDED));
        assertEquals(List.of("slt"), claimed.get(1).stream().map(EngineVoice::name).toList());
        List<List<EngineVoice>> alone = Speakers.claim(List.of(RECORDED));
        assertEquals(List.of("kal16", "slt"), alone.get(0).stream().map(EngineVoice::name).toList());
        Engine onlyKal = new Voices("onlykal", List.of(new EngineVoice("onlykal", "kal_diphone", "kal", 85, 130)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Speakers.claim(List.of(FREETTS, onlyKal)));
        assertTrue(e.getMessage().contains("onlykal has no voice of its own"), e.getMessage());
    }

    @Test
    void tooManySpeakersForTheVoicesIsRefusedWithAWayOut() {
        // One fixed-pitch voice: rates in steps of 0.01 over [0.85, 1.2] cannot keep 60 speakers apart.
        Engine narrow = new Voices("narrow", List.of(new EngineVoice("narrow", "v", "narrow-v", 100, 100)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Speakers.forVoices(1, 60, Speakers.claim(List.of(narrow))));
        assertTrue(e.getMessage().contains("ask for fewer speakers or add engines"), e.getMessage());
    }

    @Test
    void aVoiceWithAFixedPitchSpreadsItsSpeakersRates() {
        Engine fixed = new Voices("fixed", List.of(new EngineVoice("fixed", "rms", "rms", 100, 100)));
        List<SpeakerVoice> speakers = Speakers.forVoices(2, 5, Speakers.claim(List.of(fixed)));
        Set<Double> rates = new HashSet<>();
        for (SpeakerVoice s : speakers) {
            assertEquals(100, s.pitchHz());
            rates.add(s.durationStretch());
        }
        assertEquals(Set.of(0.89, 0.96, 1.02, 1.10, 1.17), rates);
    }

    @Test
    void theSeedDecidesRatesAndOrder() {
        List<List<EngineVoice>> voices = Speakers.claim(List.of(FREETTS, RULES, RECORDED));
        assertEquals(Speakers.forVoices(5, 12, voices), Speakers.forVoices(5, 12, voices));
        assertNotEquals(Speakers.forVoices(5, 12, voices), Speakers.forVoices(6, 12, voices));
    }
}
