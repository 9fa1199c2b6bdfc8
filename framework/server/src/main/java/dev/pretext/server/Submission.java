package dev.pretext.server;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A recipe or sweep as submitted: its YAML files by name (a sweep brings its base recipe), which of them runs,
 * and the priority asked for. Names and sizes are checked here, before anything touches the disk.
 */
public record Submission(Map<String, String> files, String main, int priority) {
    /** Far above any real recipe or sweep; a body this large is a mistake or an attack. */
    public static final int MAX_BYTES = 1 << 20;
    static final int MAX_FILES = 16;
    static final int MAX_PRIORITY = 100;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}\\.ya?ml");

    public Submission {
        if (files == null || files.isEmpty()) {
            throw ApiError.badRequest("nothing submitted: send a recipe or sweep as YAML");
        }
        if (files.size() > MAX_FILES) {
            throw ApiError.badRequest(files.size() + " files submitted; at most " + MAX_FILES);
        }
        long bytes = 0;
        for (Map.Entry<String, String> e : files.entrySet()) {
            if (e.getKey() == null || !NAME.matcher(e.getKey()).matches()) {
                throw ApiError.badRequest("file name '" + e.getKey() + "' refused: a plain name ending in .yaml or "
                        + ".yml (letters, digits, '.', '_', '-'), no folders");
            }
            if (e.getValue() == null) {
                throw ApiError.badRequest("file " + e.getKey() + " has no text");
            }
            bytes += e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes > MAX_BYTES) {
            throw new ApiError(413, "too_large", "the submitted files hold " + bytes + " bytes; at most " + MAX_BYTES);
        }
        if (main == null) {
            if (files.size() != 1) {
                throw ApiError.badRequest("several files submitted: say which one runs (main)");
            }
            main = files.keySet().iterator().next();
        }
        if (!files.containsKey(main)) {
            throw ApiError.badRequest("main file '" + main + "' is not among the submitted files " + files.keySet());
        }
        if (Math.abs(priority) > MAX_PRIORITY) {
            throw ApiError.badRequest("priority " + priority + " out of range: -" + MAX_PRIORITY + " to "
                    + MAX_PRIORITY);
        }
        files = new LinkedHashMap<>(files);
    }

    public static Submission single(String name, String yaml, int priority) {
        return new Submission(Map.of(name, yaml), name, priority);
    }
}
