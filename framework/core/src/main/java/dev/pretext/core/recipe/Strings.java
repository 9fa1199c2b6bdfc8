package dev.pretext.core.recipe;

/** Small string helpers for messages. */
public final class Strings {
    private Strings() {
    }

    /** Levenshtein distance, for "did you mean" hints. */
    public static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Text echoed back in a message, cut to {@code max} characters with the full length said. */
    public static String clip(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        return s.substring(0, Math.max(0, max - 3)) + "... (" + s.length() + " characters)";
    }

    /** Every quoted echo ('...') in a message cut to {@code max} characters, so a huge value is not printed back. */
    public static String clipQuoted(String message, int max) {
        if (message == null || message.length() <= max) {
            return message;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("'([^'\\n]{" + (max + 1) + ",})'").matcher(message);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement("'" + clip(m.group(1), max) + "'"));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
