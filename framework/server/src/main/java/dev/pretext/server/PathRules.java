package dev.pretext.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pretext.core.recipe.LocatedYaml;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a submitted recipe may read and write: inside its own job folder (relative paths, which the job's child
 * JVM resolves there), or under one of the data roots the server was started with. A recipe that names
 * {@code /etc} or {@code ../../other-job} is refused at submission.
 *
 * <p>Which values are paths is decided by key, as the shipped plugins name them ({@code dir}, {@code root},
 * {@code targets}, {@code tsv}, ...; any key ending in {@code _dir}, {@code _path}, {@code _root} or {@code _file}):
 * a third-party plugin that takes a path under another key is not checked, which its documentation must say.
 */
public final class PathRules {
    static final Set<String> PATH_KEYS = Set.of("dir", "root", "path", "targets", "tsv", "manifest", "file", "folder",
            "base");

    private final List<Path> dataRoots;

    public PathRules(List<Path> dataRoots) {
        this.dataRoots = dataRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    public List<Path> dataRoots() {
        return dataRoots;
    }

    /** @throws ApiError 400 naming the file, key and path that leaves the allowed places */
    void check(Map<String, String> files) {
        for (Map.Entry<String, String> f : files.entrySet()) {
            LocatedYaml yaml = LocatedYaml.read(Path.of(f.getKey()), f.getValue());
            walk(yaml, f.getKey(), "", yaml.root());
        }
    }

    private void walk(LocatedYaml yaml, String file, String at, JsonNode node) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                String here = at.isEmpty() ? key : at + "." + key;
                if (e.getValue().isTextual() && isPathKey(key)) {
                    checkPath(file, yaml.lineOf(here), here, e.getValue().asText());
                } else {
                    walk(yaml, file, here, e.getValue());
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(yaml, file, at + "[" + i + "]", node.get(i));
            }
        }
    }

    static boolean isPathKey(String key) {
        return PATH_KEYS.contains(key) || key.endsWith("_dir") || key.endsWith("_path") || key.endsWith("_root")
                || key.endsWith("_file");
    }

    private void checkPath(String file, int line, String key, String value) {
        Path p;
        try {
            p = Path.of(value);
        } catch (InvalidPathException e) {
            throw refuse(file, line, key, value, "it is not a path");
        }
        if (value.startsWith("~")) {
            throw refuse(file, line, key, value, "'~' is not expanded on the server; give a path under a data root");
        }
        if (!p.isAbsolute()) {
            // Relative paths resolve in the job's folder; they must stay there.
            Path inJob = Path.of("/job").resolve(p).normalize();
            if (!inJob.startsWith("/job")) {
                throw refuse(file, line, key, value, "it leaves the job's folder");
            }
            return;
        }
        Path abs = p.normalize();
        for (Path root : dataRoots) {
            if (abs.startsWith(root)) {
                return;
            }
        }
        throw refuse(file, line, key, value, dataRoots.isEmpty() ? "this server allows no data roots (start it with "
                + "--data-root DIR to allow one)" : "it is outside the server's data roots " + dataRoots);
    }

    private static ApiError refuse(String file, int line, String key, String value, String why) {
        // The same problem shape as a recipe mistake: file, line, key, problem, hint.
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("file", file);
        problem.put("line", line > 0 ? line : null);
        problem.put("key", key);
        problem.put("problem", "path '" + value + "' is not allowed: " + why);
        problem.put("hint", "use a path relative to the job (inside it) or under a data root");
        return new ApiError(400, "path_not_allowed", file + (line > 0 ? ":" + line : "") + ": " + key + ": path '"
                + value + "' is not allowed: " + why, List.of(problem));
    }
}
