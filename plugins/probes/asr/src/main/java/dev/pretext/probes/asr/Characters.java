package dev.pretext.probes.asr;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The character set of the probe, LibriSpeech's: the CTC blank, the word boundary (a space), the apostrophe and
 * the letters a-z. Transcripts are lowercased; whitespace and hyphens separate words; other punctuation
 * ({@code . , ; : ! ? "}) is dropped; anything else (digits, accented letters) makes the transcript unusable
 * rather than silently changing what was said.
 */
final class Characters {
    static final int BLANK = 0;
    static final int SPACE = 1;
    static final int APOSTROPHE = 2;
    static final int FIRST_LETTER = 3;
    static final int CLASSES = FIRST_LETTER + 26;
    private static final String DROPPED = ".,;:!?\"";

    private Characters() {
    }

    /**
     * The transcript as the probe spells it (single spaces between words, none at the ends), or why it cannot be.
     *
     * @return the normalised text, or an error starting with "transcript"
     */
    static Result normalise(String text) {
        if (text == null || text.isBlank()) {
            return new Result(null, "no transcript");
        }
        StringBuilder out = new StringBuilder(text.length());
        boolean pendingSpace = false;
        for (char c : text.toLowerCase(Locale.ROOT).toCharArray()) {
            if (Character.isWhitespace(c) || c == '-') {
                pendingSpace = out.length() > 0;
            } else if (DROPPED.indexOf(c) >= 0) {
                // punctuation that is not spoken: left out
            } else if ((c >= 'a' && c <= 'z') || c == '\'') {
                if (pendingSpace) {
                    out.append(' ');
                    pendingSpace = false;
                }
                out.append(c);
            } else {
                return new Result(null, "transcript has characters outside a-z and the apostrophe (spell numbers "
                        + "and symbols out)");
            }
        }
        return out.length() == 0 ? new Result(null, "transcript has no letters") : new Result(out.toString(), null);
    }

    /** A normalised transcript, or why there is none. */
    record Result(String text, String problem) {
        Optional<String> problemIfAny() {
            return Optional.ofNullable(problem);
        }
    }

    static int[] encode(String normalised) {
        int[] out = new int[normalised.length()];
        for (int i = 0; i < out.length; i++) {
            char c = normalised.charAt(i);
            out[i] = c == ' ' ? SPACE : c == '\'' ? APOSTROPHE : FIRST_LETTER + (c - 'a');
        }
        return out;
    }

    /** Class ids back to text, with stray and repeated word boundaries removed (a decoder can emit those). */
    static String decode(int[] ids) {
        StringBuilder out = new StringBuilder(ids.length);
        for (int id : ids) {
            char c = id == SPACE ? ' ' : id == APOSTROPHE ? '\'' : (char) ('a' + id - FIRST_LETTER);
            if (c != ' ' || (out.length() > 0 && out.charAt(out.length() - 1) != ' ')) {
                out.append(c);
            }
        }
        return out.toString().strip();
    }

    static List<String> words(String text) {
        return text.isEmpty() ? List.of() : List.of(text.split(" "));
    }

    static List<Character> characters(String text) {
        List<Character> out = new ArrayList<>(text.length());
        for (int i = 0; i < text.length(); i++) {
            out.add(text.charAt(i));
        }
        return out;
    }
}
