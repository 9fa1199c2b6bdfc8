package dev.pretext.datasets.audio;

import java.util.Objects;

/**
 * A file a dataset left out, with why.
 *
 * @param file   where it is, as the dataset names it (usually relative to its root, with '/' separators)
 * @param reason one line
 */
public record Skipped(String file, String reason) implements Comparable<Skipped> {
    public Skipped {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public int compareTo(Skipped other) {
        int c = file.compareTo(other.file);
        return c != 0 ? c : reason.compareTo(other.reason);
    }

    @Override
    public String toString() {
        return file + ": " + reason;
    }
}
