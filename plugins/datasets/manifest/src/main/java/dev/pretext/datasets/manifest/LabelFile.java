package dev.pretext.datasets.manifest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A label file read line by line on demand: only where each line starts is kept, so cluster labels for hundreds
 * of hours (hundreds of megabytes of text) cost a few bytes per utterance until they are asked for. Safe for
 * concurrent reads.
 */
final class LabelFile {
    private final Path file;
    /** starts[i] is where line i begins; starts[lines] is one past the end of the last line. */
    private final long[] starts;

    private LabelFile(Path file, long[] starts) {
        this.file = file;
        this.starts = starts;
    }

    /** Lines end with '\n'; a final newline does not start another line. */
    static LabelFile index(Path file) throws IOException {
        long[] starts = new long[1024];
        int lines = 0;
        long pos = 0;
        boolean atLineStart = true;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                for (int i = 0; i < n; i++, pos++) {
                    if (atLineStart) {
                        if (lines + 1 >= starts.length) {
                            starts = Arrays.copyOf(starts, starts.length * 2);
                        }
                        starts[lines++] = pos;
                        atLineStart = false;
                    }
                    if (buf[i] == '\n') {
                        atLineStart = true;
                    }
                }
            }
        }
        starts[lines] = pos;
        return new LabelFile(file, Arrays.copyOf(starts, lines + 1));
    }

    Path file() {
        return file;
    }

    int lines() {
        return starts.length - 1;
    }

    /** Line {@code i} without its line ending. */
    String line(int i) throws IOException {
        long from = starts[i];
        int length = (int) (starts[i + 1] - from);
        ByteBuffer b = ByteBuffer.allocate(length);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (b.hasRemaining()) {
                if (ch.read(b, from + b.position()) < 0) {
                    throw new IOException(file + " changed after it was indexed: it ends inside line " + (i + 1));
                }
            }
        }
        String s = new String(b.array(), StandardCharsets.UTF_8);
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        return s.substring(0, end);
    }
}
