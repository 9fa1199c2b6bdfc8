package dev.pretext.datasets.tts;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * espeak-ng's IPA phoneme names (as its phoneme events report them) in the common phone set. Symbols are mapped by
 * how they sound, one symbol to one label everywhere, so an accent's vowel gets the label of the nearest ARPAbet
 * vowel (Scottish [eː] is {@code ey}, Lancashire [æʊ] is {@code aw}). The table covers every phoneme espeak-ng 1.51
 * produces for the words of {@link Texts} in the accents {@link EspeakEngine} offers; anything else fails loudly.
 */
final class EspeakPhones {
    /** Marks that do not change the label: stress, length (IPA and espeak's ASCII colon), ties, syllabicity, dental. */
    private static final String IGNORED = "ˈˌːˑ:\u0361\u035C\u0329\u032F\u032A";

    private static final Map<String, List<String>> TABLE = new HashMap<>();

    static {
        one("p", "p", "b", "b", "t", "t", "d", "d", "k", "k", "g", "g", "ɡ", "g");
        one("f", "f", "v", "v", "θ", "th", "ð", "dh", "s", "s", "z", "z", "ʃ", "sh", "ʒ", "zh", "h", "hh");
        one("tʃ", "ch", "dʒ", "jh", "m", "m", "n", "n", "ŋ", "ng", "l", "l", "ɫ", "l", "ɹ", "r", "r", "r",
                "j", "y", "w", "w", "ʍ", "w", "x", "k");
        // a flap and a glottal stop stand for /t/ (flite's dx is folded the same way)
        one("ɾ", "t", "ʔ", "t");
        // espeak's linking [j] between vowels ("every orange"), named only where the vowel before is not [i]
        one("ʲ", "y");

        one("i", "iy", "ɪ", "ih", "ᵻ", "ih", "e", "ey", "ɛ", "eh", "æ", "ae", "a", "ae", "aa", "ae");
        one("ə", "ah", "ɐ", "ah", "ʌ", "ah", "ɜ", "er", "ɚ", "er", "ɝ", "er", "ɑ", "aa", "ɒ", "aa", "ɔ", "ao",
                "o", "ow", "ʊ", "uh", "u", "uw", "ʉ", "uw");
        one("aɪ", "ay", "eɪ", "ey", "ei", "ey", "ɔɪ", "oy", "oɪ", "oy", "aʊ", "aw", "æʊ", "aw", "ʌʉ", "aw",
                "oʊ", "ow", "əʊ", "ow", "ʌʊ", "ow", "əu", "ow");
        // New York's NURSE vowel [əɪ] and a Scottish [əɹ] are this accent's /er/, not a diphthong or two phones
        one("əɪ", "er", "əɹ", "er");

        // One espeak phoneme that is two ARPAbet phones: centring diphthongs, r after a vowel, syllabic l
        two("aɪə", "ay", "ah", "aɪɚ", "ay", "er", "iə", "iy", "ah", "eə", "eh", "ah", "ɛə", "eh", "ah",
                "ʊə", "uh", "ah", "ɑə", "aa", "ah", "ɔə", "ao", "ah", "oə", "ow", "ah", "əl", "ah", "l");
        two("ɑɹ", "aa", "r", "ɔɹ", "ao", "r", "ɛɹ", "eh", "r", "ɪɹ", "ih", "r", "ʊɹ", "uh", "r", "ʉɹ", "uw", "r",
                "ʌɹ", "ah", "r");

        for (List<String> labels : TABLE.values()) {
            for (String label : labels) {
                if (!PhoneSet.COMMON.contains(label)) {
                    throw new IllegalStateException("espeak phone table maps to '" + label + "', not a common phone");
                }
            }
        }
    }

    private EspeakPhones() {
    }

    private static void one(String... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            put(pairs[i], List.of(pairs[i + 1]));
        }
    }

    private static void two(String... triples) {
        for (int i = 0; i < triples.length; i += 3) {
            put(triples[i], List.of(triples[i + 1], triples[i + 2]));
        }
    }

    private static void put(String ipa, List<String> labels) {
        if (TABLE.put(ipa, labels) != null) {
            throw new IllegalStateException("espeak phone '" + ipa + "' is mapped twice");
        }
    }

    /**
     * The common-set labels (one, or two in time order) of one espeak-ng phoneme event; the empty name espeak gives
     * pauses and boundary markers is silence.
     *
     * @param what names the engine, voice and text for the failure message
     */
    static List<String> toCommon(String ipa, String what) {
        String key = normalise(ipa);
        if (key.isEmpty()) {
            return List.of(PhoneSet.SILENCE);
        }
        List<String> labels = TABLE.get(key);
        if (labels == null) {
            throw new IllegalStateException(what + ": espeak-ng produced the phoneme '" + ipa + "' "
                    + codePoints(ipa) + ", which has no mapping to the common phone set (add it to EspeakPhones)");
        }
        return labels;
    }

    /** The symbol without the marks in {@link #IGNORED}. */
    static String normalise(String ipa) {
        StringBuilder b = new StringBuilder(ipa.length());
        ipa.codePoints().filter(c -> IGNORED.indexOf(c) < 0).forEach(b::appendCodePoint);
        return b.toString();
    }

    /** Whether the table knows this symbol (after {@link #normalise}); the empty name counts as known. */
    static boolean known(String ipa) {
        String key = normalise(ipa);
        return key.isEmpty() || TABLE.containsKey(key);
    }

    private static String codePoints(String s) {
        StringBuilder b = new StringBuilder("(");
        s.codePoints().forEach(c -> b.append(b.length() > 1 ? " " : "").append(String.format("U+%04X", c)));
        return b.append(')').toString();
    }
}
