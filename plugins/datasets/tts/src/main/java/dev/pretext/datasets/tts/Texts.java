package dev.pretext.datasets.tts;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What the speakers say: single keywords (for keyword spotting) and sentences from a small grammar whose
 * word lists together cover every phone of the common set (for phone recognition).
 */
final class Texts {
    /** The keyword vocabulary: the ten Speech Commands words plus two digits. */
    static final List<String> KEYWORDS = List.of(
            "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go", "one", "two");

    private static final String[] DETERMINERS = {
        "the", "a", "this", "that", "every", "some", "my", "your", "his", "her", "our", "their"};
    private static final String[] ADJECTIVES = {
        "big", "small", "red", "green", "blue", "old", "young", "quiet", "loud", "happy", "bright", "dark",
        "warm", "cold", "heavy", "gentle", "clever", "rough", "smooth", "yellow", "purple", "shiny", "tired",
        "busy", "foolish", "joyful", "curious", "thirsty"};
    private static final String[] NOUNS = {
        "dog", "cat", "farmer", "teacher", "child", "river", "garden", "window", "machine", "letter", "bridge",
        "village", "doctor", "engine", "mountain", "kitchen", "pencil", "orange", "rabbit", "sailor", "voice",
        "judge", "chair", "ship", "treasure", "music", "zebra", "fox", "owl", "bird", "house", "shoe", "king",
        "thing", "book", "boy", "television", "garage", "wood", "cushion", "author", "toy", "feather", "wagon"};
    private static final String[] TRANSITIVE_VERBS = {
        "saw", "found", "painted", "carried", "pushed", "watched", "chose", "measured", "fixed", "joined",
        "borrowed", "washed", "touched", "loved", "visited", "checked", "opened", "moved", "judged", "thanked",
        "pulled", "bought", "heard", "cooked"};
    private static final String[] INTRANSITIVE_VERBS = {
        "slept", "laughed", "waited", "arrived", "jumped", "sang", "vanished", "shouted", "smiled", "stood",
        "listened", "played"};
    private static final String[] IMPERATIVES = {
        "open", "close", "bring", "paint", "move", "wash", "fix", "check", "push", "carry", "find", "show"};
    private static final String[] PREPOSITIONS = {
        "near", "under", "behind", "beside", "across", "through", "with", "inside", "above", "toward"};
    private static final String[] ADVERBS = {
        "quickly", "slowly", "yesterday", "again", "today", "early", "later", "quietly", "loudly", "twice",
        "usually", "perhaps"};

    private Texts() {
    }

    static String keyword(SplittableRandom rng) {
        return KEYWORDS.get(rng.nextInt(KEYWORDS.size()));
    }

    /** A sentence of at least three words, lowercase, without punctuation (so FreeTTS keeps it one utterance). */
    static String sentence(SplittableRandom rng) {
        List<String> words = new ArrayList<>();
        switch (rng.nextInt(4)) {
            case 0 -> {
                nounPhrase(rng, words);
                words.add(pick(rng, INTRANSITIVE_VERBS));
                optionalPlace(rng, words);
            }
            case 1 -> {
                words.add("please");
                words.add(pick(rng, IMPERATIVES));
                nounPhrase(rng, words);
                optionalPlace(rng, words);
            }
            default -> {
                nounPhrase(rng, words);
                words.add(pick(rng, TRANSITIVE_VERBS));
                nounPhrase(rng, words);
                optionalPlace(rng, words);
            }
        }
        if (rng.nextInt(3) == 0) {
            words.add(pick(rng, ADVERBS));
        }
        for (int i = 0; i + 1 < words.size(); i++) {
            if (words.get(i).equals("a") && "aeiou".indexOf(words.get(i + 1).charAt(0)) >= 0) {
                words.set(i, "an");
            }
        }
        return String.join(" ", words);
    }

    private static void nounPhrase(SplittableRandom rng, List<String> words) {
        words.add(pick(rng, DETERMINERS));
        if (rng.nextBoolean()) {
            words.add(pick(rng, ADJECTIVES));
        }
        words.add(pick(rng, NOUNS));
    }

    private static void optionalPlace(SplittableRandom rng, List<String> words) {
        if (rng.nextInt(3) == 0) {
            words.add(pick(rng, PREPOSITIONS));
            nounPhrase(rng, words);
        }
    }

    private static String pick(SplittableRandom rng, String[] words) {
        return words[rng.nextInt(words.length)];
    }
}
