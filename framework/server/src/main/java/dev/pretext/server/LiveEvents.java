package dev.pretext.server;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A job's live view as server-sent events: {@code status} when its state changes, {@code metric} for each line a
 * run appends to its metrics.jsonl (the event id is the line number, so a reconnecting browser continues where
 * it was: {@code Last-Event-ID}), {@code results} when a sweep's results change, and {@code end} once the job has
 * ended and everything was sent. The files are polled: a run appends a line per step, seconds apart.
 */
final class LiveEvents {
    static final int MAX_STREAMS = 24;
    private static final long POLL_MILLIS = 500;
    private static final long KEEP_ALIVE_MILLIS = 15_000;
    // An event's data is one line of JSON.
    private static final com.fasterxml.jackson.databind.ObjectWriter ONE_LINE = JobFolder.MAPPER.writer()
            .without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);

    private final AtomicInteger open = new AtomicInteger();
    private final BooleanSupplier closing;

    LiveEvents(BooleanSupplier closing) {
        this.closing = closing;
    }

    /**
     * Streams until the job has ended and its files are sent, the client leaves, or the server stops.
     *
     * @param metrics the metrics.jsonl to follow, or null (a sweep followed as a whole)
     * @param results the sweep's results.jsonl, or null
     * @param after   metric lines up to this one were seen already
     */
    void stream(HttpExchange ex, JobFolder folder, Path metrics, Path results, long after) throws IOException {
        if (open.incrementAndGet() > MAX_STREAMS) {
            open.decrementAndGet();
            throw new ApiError(503, "busy", "more than " + MAX_STREAMS + " live views are open; close one or "
                    + "poll GET /api/jobs/{id} instead");
        }
        try {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            Follower lines = metrics == null ? null : new Follower(metrics, after);
            String lastStatus = null;
            long lastResults = -1;
            long quietSince = System.currentTimeMillis();
            while (!closing.getAsBoolean()) {
                StringBuilder batch = new StringBuilder();
                JobStatus s = folder.status();
                String status = ONE_LINE.writeValueAsString(statusEvent(s));
                if (!status.equals(lastStatus)) {
                    event(batch, "status", null, status);
                    lastStatus = status;
                }
                if (lines != null) {
                    for (Follower.Line line : lines.next()) {
                        event(batch, "metric", Long.toString(line.number()), line.text());
                    }
                }
                if (results != null && Files.isRegularFile(results)) {
                    long stamp = Files.getLastModifiedTime(results).toMillis() ^ Files.size(results);
                    if (stamp != lastResults) {
                        lastResults = stamp;
                        event(batch, "results", null, "[" + String.join(",", Files.readAllLines(results,
                                StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList()) + "]");
                    }
                }
                boolean ended = s.state().ended() && (lines == null || lines.atEnd());
                if (ended) {
                    event(batch, "end", null, "{}");
                }
                long now = System.currentTimeMillis();
                if (batch.length() > 0) {
                    quietSince = now;
                } else if (now - quietSince > KEEP_ALIVE_MILLIS) {
                    batch.append(": still here\n\n"); // proxies drop idle connections
                    quietSince = now;
                }
                if (batch.length() > 0) {
                    out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                if (ended) {
                    return;
                }
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } finally {
            open.decrementAndGet();
        }
    }

    private static Map<String, Object> statusEvent(JobStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", s.state().id());
        m.put("attempt", s.attempt());
        m.put("reason", s.reason());
        return m;
    }

    private static void event(StringBuilder sb, String name, String id, String data) {
        if (id != null) {
            sb.append("id: ").append(id).append('\n');
        }
        sb.append("event: ").append(name).append('\n');
        // One JSON document per event; a newline inside would split it into two data lines, which is still valid.
        for (String l : data.split("\n", -1)) {
            sb.append("data: ").append(l).append('\n');
        }
        sb.append('\n');
    }

    /** Reads the complete lines appended to a file since the last call. */
    static final class Follower {
        private final Path file;
        private final long skip;
        private long offset;
        private long lineNumber;
        private boolean sawEof;

        Follower(Path file, long skipLines) {
            this.file = file;
            this.skip = skipLines;
        }

        record Line(long number, String text) {
        }

        List<Line> next() throws IOException {
            List<Line> out = new ArrayList<>();
            sawEof = true;
            if (!Files.isRegularFile(file)) {
                return out;
            }
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                if (raf.length() < offset) {
                    offset = 0; // rewritten (a run started over): read it again from the top
                    lineNumber = 0;
                }
                raf.seek(offset);
                byte[] buf = new byte[(int) Math.min(raf.length() - offset, 4 << 20)];
                raf.readFully(buf);
                sawEof = offset + buf.length == raf.length();
                int start = 0;
                for (int i = 0; i < buf.length; i++) {
                    if (buf[i] == '\n') {
                        String line = new String(buf, start, i - start, StandardCharsets.UTF_8).strip();
                        start = i + 1;
                        if (line.isEmpty()) {
                            continue;
                        }
                        lineNumber++;
                        if (lineNumber > skip) {
                            out.add(new Line(lineNumber, line));
                        }
                    }
                }
                offset += start; // a half-written last line is read again once it is whole
            }
            return out;
        }

        boolean atEnd() {
            return sawEof;
        }
    }
}
