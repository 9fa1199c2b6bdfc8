package dev.pretext.datasets.audio;

import java.io.IOException;

/**
 * A value computed on first use, once, however many threads ask (a dataset's index: listing a corpus is slow and
 * {@code Dataset.utterances()} may be called from several places). A failed computation is not kept: the next
 * call tries again and fails with the current reason.
 */
public final class Lazily<T> {
    /** Computes the value. */
    public interface Loader<T> {
        T load() throws IOException;
    }

    private final Loader<T> loader;
    private volatile T value;

    public Lazily(Loader<T> loader) {
        this.loader = loader;
    }

    public T get() throws IOException {
        T v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = loader.load();
                    value = v;
                }
            }
        }
        return v;
    }
}
