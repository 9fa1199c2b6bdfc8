package dev.pretext.probes.asr;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CharactersTest {
    @Test
    void normalisesCaseSpacingHyphensAndPunctuation() {
        assertEquals("don't stop marvin", Characters.normalise("  Don't   stop,\tMarvin! ").text());
        assertEquals("well known", Characters.normalise("well-known").text());
        assertEquals("said hello", Characters.normalise("said \"hello\"").text());
        assertNull(Characters.normalise("route 66").text());
        assertEquals("no transcript", Characters.normalise(" ").problem());
    }

    @Test
    void encodesAndDecodesTwentyNineClassesWithTheBlankFirst() {
        assertEquals(29, Characters.CLASSES);
        assertArrayEquals(new int[] {3, 28, 1, 2, 4}, Characters.encode("az 'b"));
        assertEquals("az 'b", Characters.decode(new int[] {3, 28, 1, 2, 4}));
        assertEquals("a b", Characters.decode(new int[] {1, 3, 1, 1, 4, 1}), "stray word boundaries are dropped");
        assertEquals("", Characters.decode(new int[0]));
    }

    @Test
    void errorRatesCountWordsAndCharacters() {
        // "the cat sat" vs "the bat sat": one word in three, one character in eleven.
        assertEquals(1, dev.pretext.probes.support.EditDistance.between(Characters.words("the bat sat"),
                Characters.words("the cat sat")));
        assertEquals(1, dev.pretext.probes.support.EditDistance.between(Characters.characters("the bat sat"),
                Characters.characters("the cat sat")));
        assertEquals(List.of(), Characters.words(""));
    }
}
