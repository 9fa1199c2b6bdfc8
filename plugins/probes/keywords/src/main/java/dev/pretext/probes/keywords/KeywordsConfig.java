package dev.pretext.probes.keywords;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Settings of the keyword spotting probe. The training settings are fixed defaults on purpose: accuracy is only
 * comparable between upstreams probed with the same settings.
 *
 * @param keywords            the words to spot, each its own class (default the ten Speech Commands words); any
 *                            other single word is {@code _unknown_}
 * @param minSilenceSeconds   shortest silence of an alignment taken as a {@code _silence_} example (default 0.2 s:
 *                            long enough to pool over 20 frames at 100 Hz, short enough for the 0.18-0.24 s
 *                            leading and trailing silences of the synthetic corpus to serve)
 * @param epochs              passes over the training examples (default 60)
 * @param lr                  Adam learning rate (default 0.005)
 * @param batchSize           examples per optimiser step (default 16)
 */
public record KeywordsConfig(List<String> keywords, Double minSilenceSeconds, Integer epochs, Double lr,
                             Integer batchSize) {
    public static final List<String> SPEECH_COMMANDS = List.of(
            "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go");
    public static final double DEFAULT_MIN_SILENCE_SECONDS = 0.2;
    public static final int DEFAULT_EPOCHS = 60;
    public static final double DEFAULT_LR = 5e-3;
    public static final int DEFAULT_BATCH_SIZE = 16;

    public KeywordsConfig {
        keywords = keywords == null ? SPEECH_COMMANDS : normalise(keywords);
        minSilenceSeconds = minSilenceSeconds == null ? DEFAULT_MIN_SILENCE_SECONDS : minSilenceSeconds;
        epochs = epochs == null ? DEFAULT_EPOCHS : epochs;
        lr = lr == null ? DEFAULT_LR : lr;
        batchSize = batchSize == null ? DEFAULT_BATCH_SIZE : batchSize;
        if (!(minSilenceSeconds > 0 && minSilenceSeconds <= 10)) {
            throw new IllegalArgumentException("min_silence_seconds must be in (0, 10], got " + minSilenceSeconds);
        }
        if (epochs < 1 || epochs > 10000) {
            throw new IllegalArgumentException("epochs must be in [1, 10000], got " + epochs);
        }
        if (!(lr > 0 && lr <= 1)) {
            throw new IllegalArgumentException("lr must be in (0, 1], got " + lr);
        }
        if (batchSize < 1 || batchSize > 65536) {
            throw new IllegalArgumentException("batch_size must be in [1, 65536], got " + batchSize);
        }
    }

    /** Lowercase, as transcripts are compared in lowercase; one word each, no repeats. */
    private static List<String> normalise(List<String> keywords) {
        if (keywords.isEmpty()) {
            throw new IllegalArgumentException("keywords must name at least one word (default: the ten Speech "
                    + "Commands words " + SPEECH_COMMANDS + ")");
        }
        List<String> out = new ArrayList<>(keywords.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < keywords.size(); i++) {
            String word = keywords.get(i) == null ? "" : keywords.get(i).trim().toLowerCase(Locale.ROOT);
            if (!word.matches("[a-z']+")) {
                throw new IllegalArgumentException("keywords[" + i + "] '" + keywords.get(i) + "' must be one word of "
                        + "letters (and apostrophes)");
            }
            if (!seen.add(word)) {
                throw new IllegalArgumentException("keywords[" + i + "] '" + word + "' is listed twice");
            }
            out.add(word);
        }
        return List.copyOf(out);
    }

    /** Every key at its default. */
    public static KeywordsConfig defaults() {
        return new KeywordsConfig(null, null, null, null, null);
    }
}
