package dev.pretext.datasets.tts;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * A synthetic speech corpus spoken by one or several engines under many voice settings.
 *
 * @param dir          where the corpus is written; null means {@code <cacheDir>/tts/<hash of the settings>}
 * @param minutes      total audio to synthesise (default 10)
 * @param speakers     number of distinct speakers (default 8); each is an engine, a voice of it and a fixed
 *                     mean pitch, pitch range and speaking rate
 * @param seed         seed of text and speakers; null means the run's seed
 * @param keywordShare share of utterances that are a single keyword such as "yes" or "stop" (default 0.3)
 * @param engines      the engines that speak, e.g. {@code [freetts, espeak, flite, festival]} (default
 *                     {@code [freetts]}, which runs in the JVM); speakers are shared out evenly among them
 * @param threads      synthesis threads (default: one per core, decided when synthesising, so a recipe resolved
 *                     on one machine resumes on another); does not change the corpus
 */
public record TtsConfig(String dir, Double minutes, Integer speakers, Long seed, Double keywordShare,
                        List<String> engines, Integer threads) {
    public static final double DEFAULT_MINUTES = 10;
    public static final int DEFAULT_SPEAKERS = 8;
    public static final double DEFAULT_KEYWORD_SHARE = 0.3;
    public static final List<String> DEFAULT_ENGINES = List.of(FreeTtsEngine.NAME);
    static final double MAX_MINUTES = 6000;
    static final int MAX_SPEAKERS = 1000;
    static final int MAX_THREADS = 256;

    public TtsConfig {
        if (dir != null && dir.isBlank()) {
            throw new IllegalArgumentException("dir must be a folder path or left out (then the cache is used), got a blank string");
        }
        minutes = minutes == null ? DEFAULT_MINUTES : minutes;
        speakers = speakers == null ? DEFAULT_SPEAKERS : speakers;
        keywordShare = keywordShare == null ? DEFAULT_KEYWORD_SHARE : keywordShare;
        engines = engines == null ? DEFAULT_ENGINES : normalise(engines);
        if (!(minutes > 0 && minutes <= MAX_MINUTES)) {
            throw new IllegalArgumentException("minutes must be in (0, " + (int) MAX_MINUTES + "], got " + minutes);
        }
        if (speakers < 1 || speakers > MAX_SPEAKERS) {
            throw new IllegalArgumentException("speakers must be in [1, " + MAX_SPEAKERS + "], got " + speakers);
        }
        if (!(keywordShare >= 0 && keywordShare <= 1)) {
            throw new IllegalArgumentException("keyword_share must be in [0, 1], got " + keywordShare);
        }
        if (threads != null && (threads < 1 || threads > MAX_THREADS)) {
            throw new IllegalArgumentException("threads must be in [1, " + MAX_THREADS + "], got " + threads);
        }
    }

    /** The settings of a FreeTTS-only corpus with one thread per core. */
    public TtsConfig(String dir, Double minutes, Integer speakers, Long seed, Double keywordShare) {
        this(dir, minutes, speakers, seed, keywordShare, null, null);
    }

    /** All defaults: ten minutes, eight speakers, FreeTTS, the run's seed, in the cache. */
    public static TtsConfig defaults() {
        return new TtsConfig(null, null, null, null, null);
    }

    /** The synthesis threads to use. */
    int synthesisThreads() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** This config with the seed filled in when it was left out. */
    public TtsConfig withDefaultSeed(long runSeed) {
        return seed != null ? this : new TtsConfig(dir, minutes, speakers, runSeed, keywordShare, engines, threads);
    }

    /** Lowercase, without repeats, in preference order; {@code espeak-ng} is accepted for {@code espeak}. */
    private static List<String> normalise(List<String> engines) {
        if (engines.isEmpty()) {
            throw new IllegalArgumentException("engines must name at least one of " + String.join(", ", Engines.names()));
        }
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (String e : engines) {
            if (e == null || e.isBlank()) {
                throw new IllegalArgumentException("engines holds an empty name; choose from " + String.join(", ", Engines.names()));
            }
            String name = e.trim().toLowerCase(Locale.ROOT);
            names.add(name.equals("espeak-ng") ? "espeak" : name);
        }
        List<String> unknown = new ArrayList<>();
        for (String name : names) {
            if (!Engines.names().contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("engines " + unknown + " unknown; choose from " + String.join(", ", Engines.names()));
        }
        // One corpus whatever order the engines are listed in: preference order also decides who owns a talker.
        List<String> ordered = new ArrayList<>(names);
        ordered.sort(java.util.Comparator.comparingInt(Engines.names()::indexOf));
        return List.copyOf(ordered);
    }
}
