package dev.pretext.probes.keywords;

import dev.pretext.api.data.PhoneSegment;
import dev.pretext.api.data.Utterance;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The classes of Speech Commands' twelve-way task: one per keyword, {@code _unknown_} for any other single word and
 * {@code _silence_} for stretches without speech; and which part of an utterance serves as which example.
 */
final class KeywordClasses {
    static final String UNKNOWN = "_unknown_";
    static final String SILENCE = "_silence_";
    /** The silence label of the common phone set. */
    static final String SILENCE_PHONE = "sil";

    private final List<String> names;
    private final Set<String> keywords;
    private final double minSilenceSeconds;

    KeywordClasses(KeywordsConfig config) {
        List<String> names = new ArrayList<>(config.keywords());
        names.add(UNKNOWN);
        names.add(SILENCE);
        this.names = List.copyOf(names);
        this.keywords = Set.copyOf(config.keywords());
        this.minSilenceSeconds = config.minSilenceSeconds();
    }

    /** Keywords in configured order, then {@code _unknown_}, then {@code _silence_}: fixed ids for any data. */
    List<String> names() {
        return names;
    }

    int id(String name) {
        return names.indexOf(name);
    }

    /**
     * The class a transcript's word belongs to: its keyword, or {@code _unknown_} for any other single word; empty
     * for no transcript or several words (Speech Commands clips hold one word).
     */
    Optional<String> wordClass(String text) {
        List<String> words = words(text);
        if (words.size() != 1) {
            return Optional.empty();
        }
        String word = words.get(0);
        return Optional.of(keywords.contains(word) ? word : UNKNOWN);
    }

    /** Lowercase words; punctuation other than apostrophes is dropped ("Yes." is "yes"). */
    static List<String> words(String text) {
        if (text == null) {
            return List.of();
        }
        String cleaned = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{Nd}'\\s]", " ").trim();
        return cleaned.isEmpty() ? List.of() : List.of(cleaned.split("\\s+"));
    }

    /** The longest silence of the alignment at least {@code min_silence_seconds} long, if any. */
    Optional<PhoneSegment> longestSilence(Utterance utterance) {
        PhoneSegment best = null;
        for (PhoneSegment phone : utterance.phones()) {
            double seconds = phone.end() - phone.start();
            if (SILENCE_PHONE.equals(phone.phone()) && seconds >= minSilenceSeconds
                    && (best == null || seconds > best.end() - best.start())) {
                best = phone;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Why an utterance yields neither a word example nor a silence example. */
    Optional<String> unusable(Utterance utterance) {
        if (wordClass(utterance.text()).isPresent() || longestSilence(utterance).isPresent()) {
            return Optional.empty();
        }
        String silence = String.format(Locale.ROOT, "silence of at least %.2f s", minSilenceSeconds);
        String what = words(utterance.text()).isEmpty() ? "no transcript" : "several words (not a single word)";
        return Optional.of(utterance.hasPhones()
                ? what + " and no " + silence + " in the phone alignment"
                : what + " and no phone alignment to find a " + silence + " in");
    }
}
