package dev.pretext.core;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.Charset;

/**
 * Where runs talk to people: on a terminal, progress rewrites one line; otherwise (CI, files) progress is
 * printed as plain lines at most every {@code plainEverySeconds}.
 */
public final class Console {
    private final PrintWriter out;
    private final boolean interactive;
    private final double plainEverySeconds;
    private long lastPlain;
    private boolean onProgressLine;

    public Console(PrintWriter out, boolean interactive, double plainEverySeconds) {
        this.out = out;
        this.interactive = interactive;
        this.plainEverySeconds = plainEverySeconds;
    }

    public static Console system() {
        return to(new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, Charset.defaultCharset())),
                true));
    }

    /** Talks through {@code out} (the CLI's writer), rewriting progress in place when on a terminal. */
    public static Console to(PrintWriter out) {
        return new Console(out, System.console() != null && System.getenv("CI") == null, 10);
    }

    public static Console quiet() {
        return new Console(new PrintWriter(Writer.nullWriter()), false, 1e9);
    }

    public synchronized void line(String text) {
        if (onProgressLine) {
            out.print("\r\033[K");
            onProgressLine = false;
        }
        out.println(text);
        out.flush();
    }

    /** A progress update; {@code force} prints it even in plain mode (e.g. the last one). */
    public synchronized void progress(String text, boolean force) {
        if (interactive) {
            out.print("\r\033[K" + text);
            out.flush();
            onProgressLine = true;
            if (force) {
                out.println();
                onProgressLine = false;
            }
            return;
        }
        long now = System.nanoTime();
        if (force || (now - lastPlain) / 1e9 >= plainEverySeconds) {
            lastPlain = now;
            out.println(text);
            out.flush();
        }
    }
}
