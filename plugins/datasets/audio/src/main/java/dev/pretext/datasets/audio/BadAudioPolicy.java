package dev.pretext.datasets.audio;

import dev.pretext.api.data.SkippedFile;
import java.util.List;
import java.util.Locale;

/** What a dataset does with files it cannot use: the recipe key {@code on_bad_audio}. */
public enum BadAudioPolicy {
    /** Leave them out and list them in the dataset's {@code skipped()}. */
    SKIP,
    /** Refuse the dataset when it is listed, before any training. */
    FAIL;

    /** How many reasons a failure message quotes. */
    static final int QUOTED = 5;

    /** {@code skip} (the default, for null) or {@code fail}; anything else names the key and the choices. */
    public static BadAudioPolicy parse(String value) {
        if (value == null) {
            return SKIP;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "skip" -> SKIP;
            case "fail" -> FAIL;
            default -> throw new IllegalArgumentException("on_bad_audio must be 'skip' or 'fail', got '" + value + "'");
        };
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Under {@link #FAIL}, throws when anything was skipped: an {@link IllegalArgumentException} quoting the
     * first few reasons and the count. Under {@link #SKIP}, does nothing.
     *
     * @param where   the dataset's location, for the message (its root folder or manifest)
     * @param listed  how many files were looked at
     */
    public void enforce(List<SkippedFile> skipped, int listed, String where) {
        if (this == SKIP || skipped.isEmpty()) {
            return;
        }
        StringBuilder s = new StringBuilder();
        s.append(skipped.size()).append(" of ").append(listed).append(" files in ").append(where)
                .append(" cannot be used (on_bad_audio: fail): ");
        for (int i = 0; i < Math.min(QUOTED, skipped.size()); i++) {
            s.append(i == 0 ? "" : "; ").append(skipped.get(i));
        }
        if (skipped.size() > QUOTED) {
            s.append("; and ").append(skipped.size() - QUOTED).append(" more");
        }
        s.append(". Fix or remove them, or set on_bad_audio: skip to leave them out");
        throw new IllegalArgumentException(s.toString());
    }
}
