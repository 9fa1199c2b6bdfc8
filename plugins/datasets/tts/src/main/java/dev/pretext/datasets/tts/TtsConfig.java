package dev.pretext.datasets.tts;

/**
 * A synthetic speech corpus spoken by FreeTTS's kevin16 voice under several voice settings.
 *
 * @param dir          where the corpus is written; null means {@code <cacheDir>/tts/<hash of the settings>}
 * @param minutes      total audio to synthesise (default 10)
 * @param speakers     number of distinct speakers, each a fixed pitch, pitch range and speaking rate (default 8)
 * @param seed         seed of text and speakers; null means the run's seed
 * @param keywordShare share of utterances that are a single keyword such as "yes" or "stop" (default 0.3)
 */
public record TtsConfig(String dir, Double minutes, Integer speakers, Long seed, Double keywordShare) {
    public static final double DEFAULT_MINUTES = 10;
    public static final int DEFAULT_SPEAKERS = 8;
    public static final double DEFAULT_KEYWORD_SHARE = 0.3;
    static final double MAX_MINUTES = 6000;

    public TtsConfig {
        if (dir != null && dir.isBlank()) {
            throw new IllegalArgumentException("dir must be a folder path or left out (then the cache is used), got a blank string");
        }
        minutes = minutes == null ? DEFAULT_MINUTES : minutes;
        speakers = speakers == null ? DEFAULT_SPEAKERS : speakers;
        keywordShare = keywordShare == null ? DEFAULT_KEYWORD_SHARE : keywordShare;
        if (!(minutes > 0 && minutes <= MAX_MINUTES)) {
            throw new IllegalArgumentException("minutes must be in (0, " + (int) MAX_MINUTES + "], got " + minutes);
        }
        if (speakers < 1 || speakers > Speakers.MAX) {
            throw new IllegalArgumentException("speakers must be in [1, " + Speakers.MAX + "], got " + speakers);
        }
        if (!(keywordShare >= 0 && keywordShare <= 1)) {
            throw new IllegalArgumentException("keyword_share must be in [0, 1], got " + keywordShare);
        }
    }

    /** All defaults: ten minutes, eight speakers, the run's seed, in the cache. */
    public static TtsConfig defaults() {
        return new TtsConfig(null, null, null, null, null);
    }

    /** This config with the seed filled in when it was left out. */
    public TtsConfig withDefaultSeed(long runSeed) {
        return seed != null ? this : new TtsConfig(dir, minutes, speakers, runSeed, keywordShare);
    }
}
