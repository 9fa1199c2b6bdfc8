package dev.pretext.api.data;

import java.util.Objects;

/**
 * A file a dataset left out, with why (truncated, corrupt, no transcript line, ...). The core reports them
 * before training and records them in the run's manifest.
 *
 * @param file   where it is, as the dataset names it (usually relative to its root, with '/' separators)
 * @param reason one line
 */
public record SkippedFile(String file, String reason) implements Comparable<SkippedFile> {
    public SkippedFile {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public int compareTo(SkippedFile other) {
        int c = file.compareTo(other.file);
        return c != 0 ? c : reason.compareTo(other.reason);
    }

    @Override
    public String toString() {
        return file + ": " + reason;
    }
}
