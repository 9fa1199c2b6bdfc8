package dev.pretext.datasets.tts;

import java.util.Map;
import java.util.Set;

/**
 * The platform's common phone set: the 39 phones of CMUdict (ARPAbet, lowercase, no stress) plus {@code sil}.
 * FreeTTS, flite and festival label segments with the CMU/flite set, which has a few extra symbols; they are
 * folded here. Other engines' phones (espeak-ng's) are mapped by their engines.
 */
final class PhoneSet {
    static final String SILENCE = "sil";

    static final Set<String> COMMON = Set.of(
            "aa", "ae", "ah", "ao", "aw", "ay", "b", "ch", "d", "dh", "eh", "er", "ey", "f", "g", "hh", "ih", "iy",
            "jh", "k", "l", "m", "n", "ng", "ow", "oy", "p", "r", "s", "sh", "t", "th", "uh", "uw", "v", "w", "y",
            "z", "zh", SILENCE);

    // flite symbols outside CMUdict: schwa variants, syllabic consonants, flaps and pauses
    private static final Map<String, String> FOLDS = Map.of(
            "ax", "ah", "axr", "er", "el", "l", "em", "m", "en", "n", "nx", "n", "dx", "t", "hv", "hh",
            "pau", SILENCE, "h#", SILENCE);

    private PhoneSet() {
    }

    /**
     * The common-set label of a phone in the CMU/ARPAbet family that FreeTTS, flite and festival's English
     * voices use; fails, naming the engine, on a symbol the mapping does not know.
     */
    static String fromCmu(String phone, String engine) {
        String p = phone.toLowerCase(java.util.Locale.ROOT);
        if (p.equals("brth")) {
            return SILENCE;
        }
        String folded = FOLDS.getOrDefault(p, p);
        if (!COMMON.contains(folded)) {
            throw new IllegalStateException(engine + " produced the phone '" + phone
                    + "', which has no mapping to the common phone set");
        }
        return folded;
    }
}
