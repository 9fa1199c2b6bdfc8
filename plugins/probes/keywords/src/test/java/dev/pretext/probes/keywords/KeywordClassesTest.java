package dev.pretext.probes.keywords;

import dev.pretext.api.data.PhoneSegment;
import dev.pretext.api.data.Utterance;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeywordClassesTest {
    private final KeywordClasses classes = new KeywordClasses(KeywordsConfig.defaults());

    private static Utterance utterance(String text, List<PhoneSegment> phones) {
        return new Utterance("u", Path.of("u.wav"), 1.0, "s", text, phones);
    }

    @Test
    void classesAreTheKeywordsThenUnknownThenSilence() {
        assertEquals(List.of("yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go", "_unknown_",
                "_silence_"), classes.names());
        assertEquals(10, classes.id(KeywordClasses.UNKNOWN));
    }

    @Test
    void singleWordsMapToTheirKeywordOrUnknown() {
        assertEquals(Optional.of("yes"), classes.wordClass("yes"));
        assertEquals(Optional.of("stop"), classes.wordClass(" Stop. "), "case and punctuation do not matter");
        assertEquals(Optional.of("_unknown_"), classes.wordClass("one"));
        assertEquals(Optional.of("_unknown_"), classes.wordClass("don't"));
        assertEquals(Optional.empty(), classes.wordClass("please stop"), "a sentence is no clip of one word");
        assertEquals(Optional.empty(), classes.wordClass(null));
        assertEquals(Optional.empty(), classes.wordClass("  "));
    }

    @Test
    void anUtteranceServesThroughItsWordOrItsSilenceOrSaysWhyNot() {
        List<PhoneSegment> longSilence = List.of(new PhoneSegment("sil", 0, 0.25), new PhoneSegment("ah", 0.25, 1));
        List<PhoneSegment> shortSilence = List.of(new PhoneSegment("sil", 0, 0.15), new PhoneSegment("ah", 0.15, 1));

        assertTrue(classes.unusable(utterance("go", List.of())).isEmpty(), "a single word needs no alignment");
        assertTrue(classes.unusable(utterance("the dog slept", longSilence)).isEmpty(), "its silence serves");
        assertTrue(classes.unusable(utterance(null, longSilence)).isEmpty());
        assertEquals("several words (not a single word) and no silence of at least 0.20 s in the phone alignment",
                classes.unusable(utterance("the dog slept", shortSilence)).orElseThrow());
        assertEquals("several words (not a single word) and no phone alignment to find a silence of at least 0.20 s in",
                classes.unusable(utterance("the dog slept", List.of())).orElseThrow());
        assertEquals("no transcript and no phone alignment to find a silence of at least 0.20 s in",
                classes.unusable(utterance(null, List.of())).orElseThrow());
    }

    @Test
    void theLongestLongEnoughSilenceIsTakenFrameByFrame() {
        List<PhoneSegment> phones = List.of(new PhoneSegment("sil", 0, 0.21), new PhoneSegment("ah", 0.21, 0.5),
                new PhoneSegment("sil", 0.5, 0.755));
        PhoneSegment silence = classes.longestSilence(utterance("x y", phones)).orElseThrow();
        assertEquals(0.5, silence.start());
        // Frames whose centres (t + 0.5) / 100 lie in [0.5, 0.755): 50 .. 74; the stack ends at frame 70.
        assertArrayEquals(new int[] {50, 75}, KeywordsProbe.frames(silence, 100, 1000));
        assertArrayEquals(new int[] {50, 70}, KeywordsProbe.frames(silence, 100, 70));
        assertArrayEquals(new int[] {25, 38}, KeywordsProbe.frames(silence, 50, 1000), "centres 0.51 .. 0.75 at 50 Hz");
    }
}
