package dev.pretext.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the API shows of a job folder: its files by relative path, read only inside the folder. Checkpoints and
 * the pinned bundle jars are left out (large, and of no use to a reader); symbolic links are not followed.
 */
final class JobFiles {
    static final int MAX_LISTED = 5_000;
    static final long MAX_BYTES = 32L << 20;

    private JobFiles() {
    }

    /** The folder's files, sorted by path, each with its size. */
    static List<Map<String, Object>> list(JobFolder folder) {
        List<Map<String, Object>> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(folder.dir())) {
            for (Path p : walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList()) {
                String rel = folder.dir().relativize(p).toString().replace('\\', '/');
                if (hidden(rel)) {
                    continue;
                }
                if (files.size() == MAX_LISTED) {
                    break;
                }
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("path", rel);
                f.put("bytes", Files.size(p));
                files.add(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder.dir(), e);
        }
        return files;
    }

    /** The file at {@code rel}, or a 404 that says why; never a path outside the folder. */
    static Path resolve(JobFolder folder, String rel) {
        if (rel.isEmpty() || rel.startsWith("/") || rel.contains("\\") || rel.contains("\0")) {
            throw ApiError.notFound("no file '" + rel + "' in job " + folder.dir().getFileName());
        }
        for (String part : rel.split("/")) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw ApiError.badRequest("file paths are relative to the job folder, without '.', '..' or '//'");
            }
        }
        if (hidden(rel)) {
            throw ApiError.notFound("'" + rel + "' is not served (checkpoints and bundle jars stay on the server)");
        }
        Path p = folder.dir().resolve(rel).normalize();
        if (!p.startsWith(folder.dir()) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw ApiError.notFound("no file '" + rel + "' in job " + folder.dir().getFileName());
        }
        for (Path q = p.getParent(); q != null && !q.equals(folder.dir()); q = q.getParent()) {
            if (Files.isSymbolicLink(q)) {
                throw ApiError.notFound("no file '" + rel + "' in job " + folder.dir().getFileName());
            }
        }
        try {
            if (Files.size(p) > MAX_BYTES) {
                throw new ApiError(413, "too_large", "'" + rel + "' is larger than " + (MAX_BYTES >> 20)
                        + " MiB; read it on the server");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
        return p;
    }

    private static boolean hidden(String rel) {
        return rel.startsWith("plugins/") || rel.contains("/checkpoints/") || rel.startsWith("checkpoints/")
                || rel.endsWith(".jar");
    }

    /** The content type a browser needs to show the file. */
    static String contentType(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".png")) {
            return "image/png";
        }
        if (n.endsWith(".json")) {
            return "application/json; charset=utf-8";
        }
        if (n.endsWith(".csv")) {
            return "text/csv; charset=utf-8";
        }
        if (n.endsWith(".md")) {
            return "text/markdown; charset=utf-8";
        }
        return "text/plain; charset=utf-8"; // yaml, jsonl, logs: shown as text, never run as a page
    }
}
