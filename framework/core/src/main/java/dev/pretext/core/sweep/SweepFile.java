package dev.pretext.core.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pretext.core.UserError;
import dev.pretext.core.recipe.LocatedYaml;
import dev.pretext.core.recipe.RecipeError;
import dev.pretext.core.recipe.Recipe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sweep as written: a base recipe and the overrides that make its runs.
 * <pre>
 * name: smoke
 * base: ../recipes/quickstart.yaml     # relative to this file
 * set: {probes.tasks: [{type: phonemes}]}   # overrides every run gets
 * grid:                                # every combination, first axis slowest
 *   encoder.scale: [0.5, 1]
 *   budget.flops: [1.0e12, 2.0e12]
 * runs:                                # and/or an explicit list, each entry crossed with the grid
 *   - {name: mam, objective: {type: mam}}
 * probe_seeds: [1, 2, 3]
 * analysis: {metric: score}            # read by the study report
 * </pre>
 * An override names a recipe key by its path ({@code encoder.scale}, {@code data.train.hours},
 * {@code augment[0].p}) and replaces the value there, a whole section when the value is a mapping.
 */
public record SweepFile(LocatedYaml source, String name, Path base, Map<String, JsonNode> set,
                        Map<String, List<JsonNode>> grid, List<Entry> runs, List<Long> probeSeeds,
                        JsonNode analysis) {
    static final Set<String> KEYS = Set.of("name", "base", "set", "grid", "runs", "probe_seeds", "analysis");
    /** A sweep is a study a machine finishes, not a search space: refuse grids that explode by mistake. */
    static final int MAX_RUNS = 1000;

    /** One explicit run: its optional name and its overrides, with the sweep file's path of each. */
    public record Entry(String name, Map<String, JsonNode> overrides, String path) {
    }

    public static SweepFile load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError("sweep file " + file + " does not exist; see studies/ for examples");
        } catch (IOException e) {
            throw new UserError("cannot read sweep file " + file + ": " + e.getMessage());
        }
        return parse(file, text);
    }

    public static SweepFile parse(Path file, String text) {
        LocatedYaml yaml = LocatedYaml.read(file, text);
        JsonNode root = yaml.root();
        if (!root.isObject()) {
            throw yaml.error("", "a sweep is a mapping (name, base, grid or runs, probe_seeds)",
                    "see studies/smoke.yaml for an example");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw yaml.error(key, "unknown key '" + key + "'", "allowed here: analysis, base, grid, name, "
                        + "probe_seeds, runs, set");
            }
        }
        String name = text(yaml, "name");
        if (name == null) {
            throw yaml.error("", "missing name", "add e.g. name: model-size (it names the sweep's folder)");
        }
        if (!name.matches("[A-Za-z0-9._-]+") || name.matches("\\.+") || name.length() > Recipe.MAX_NAME) {
            throw yaml.error("name", "name '" + name + "' is not a folder name", "use letters, digits, '.', '_' "
                    + "and '-', at most " + Recipe.MAX_NAME + " characters");
        }
        String baseText = text(yaml, "base");
        if (baseText == null) {
            throw yaml.error("", "missing base", "add e.g. base: ../recipes/quickstart.yaml (relative to this file)");
        }
        Path dir = file.toAbsolutePath().getParent();
        Path base = dir.resolve(baseText).normalize();
        if (!Files.isRegularFile(base)) {
            throw yaml.error("base", "recipe " + base + " does not exist", "give a recipe file, relative to "
                    + "the sweep file");
        }
        Map<String, JsonNode> set = overrides(yaml, "set", root.get("set"));
        Map<String, List<JsonNode>> grid = new LinkedHashMap<>();
        JsonNode gridNode = root.get("grid");
        if (gridNode != null && !gridNode.isNull()) {
            if (!gridNode.isObject()) {
                throw yaml.error("grid", "expected a mapping of key paths to lists of values",
                        "e.g. grid: {encoder.scale: [0.5, 1, 2]}");
            }
            gridNode.fields().forEachRemaining(e -> {
                String path = "grid." + e.getKey();
                checkPath(yaml, path, e.getKey());
                if (!e.getValue().isArray() || e.getValue().isEmpty()) {
                    throw yaml.error(path, "an axis is a non-empty list of values", "e.g. " + e.getKey()
                            + ": [0.5, 1, 2]");
                }
                List<JsonNode> values = new ArrayList<>();
                e.getValue().forEach(values::add);
                if (new HashSet<>(values).size() != values.size()) {
                    throw yaml.error(path, "a value appears twice on this axis", "keep each value once");
                }
                grid.put(e.getKey(), values);
            });
        }
        List<Entry> runs = new ArrayList<>();
        JsonNode runsNode = root.get("runs");
        if (runsNode != null && !runsNode.isNull()) {
            if (!runsNode.isArray() || runsNode.isEmpty()) {
                throw yaml.error("runs", "expected a non-empty list of runs, each a mapping of overrides",
                        "e.g. runs: [{objective: {type: mam}}, {objective: {type: hubert}}]");
            }
            for (int i = 0; i < runsNode.size(); i++) {
                String path = "runs[" + i + "]";
                JsonNode entry = runsNode.get(i);
                if (!entry.isObject()) {
                    throw yaml.error(path, "expected a mapping of overrides", "e.g. {name: mam, objective: {type: mam}}");
                }
                ObjectNode copy = entry.deepCopy();
                JsonNode runName = copy.remove("name");
                if (runName != null && !runName.isTextual()) {
                    throw yaml.error(path + ".name", "a run's name is text", null);
                }
                runs.add(new Entry(runName == null ? null : runName.asText(), overrides(yaml, path, copy), path));
            }
        }
        if (grid.isEmpty() && runs.isEmpty()) {
            throw yaml.error("", "the sweep has no runs", "add grid: {key.path: [values]} or runs: [{...}]");
        }
        long count = Math.max(1, runs.size());
        for (List<JsonNode> axis : grid.values()) {
            count *= axis.size();
            if (count > MAX_RUNS) {
                throw yaml.error("grid", "the grid expands to more than " + MAX_RUNS + " runs",
                        "split it into several sweeps, or list the runs you need under runs:");
            }
        }
        List<Long> seeds = probeSeeds(yaml, root.get("probe_seeds"));
        JsonNode analysis = root.get("analysis");
        if (analysis != null && !analysis.isNull() && !analysis.isObject()) {
            throw yaml.error("analysis", "expected a mapping", "e.g. analysis: {metric: score}");
        }
        return new SweepFile(yaml, name, base, set, grid, List.copyOf(runs), seeds,
                analysis == null || analysis.isNull() ? null : analysis);
    }

    /** How many runs the sweep expands to. */
    public int size() {
        int n = Math.max(1, runs.size());
        for (List<JsonNode> axis : grid.values()) {
            n *= axis.size();
        }
        return n;
    }

    /** The sweep file's line of an override: the grid axis, the explicit run's key, or the {@code set} key. */
    public int lineOf(String origin) {
        return source.lineOf(origin);
    }

    private static String text(LocatedYaml yaml, String key) {
        JsonNode n = yaml.root().get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw yaml.error(key, "expected text", null);
        }
        return n.asText();
    }

    private static Map<String, JsonNode> overrides(LocatedYaml yaml, String where, JsonNode node) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw yaml.error(where, "expected a mapping of key paths to values", "e.g. {encoder.scale: 0.5}");
        }
        node.fields().forEachRemaining(e -> {
            checkPath(yaml, where + "." + e.getKey(), e.getKey());
            out.put(e.getKey(), e.getValue());
        });
        return out;
    }

    private static void checkPath(LocatedYaml yaml, String where, String path) {
        try {
            Overrides.parsePath(path);
        } catch (IllegalArgumentException e) {
            throw yaml.error(where, e.getMessage(), "a key path is keys joined by dots, with [i] for a list "
                    + "item: encoder.scale, augment[0].p");
        }
        if (path.equals("name")) {
            throw yaml.error(where, "the sweep names its runs itself", "give a run's name under runs: {name: ...}");
        }
    }

    private static List<Long> probeSeeds(LocatedYaml yaml, JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.isEmpty() || node.size() > 32) {
            throw yaml.error("probe_seeds", "expected a list of 1 to 32 whole numbers", "e.g. probe_seeds: [1, 2, 3]");
        }
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode s = node.get(i);
            if (!s.isIntegralNumber()) {
                throw yaml.error("probe_seeds[" + i + "]", "'" + s.asText() + "' is not a whole number", null);
            }
            if (seeds.contains(s.asLong())) {
                throw yaml.error("probe_seeds[" + i + "]", "seed " + s.asLong() + " appears twice", "keep each once");
            }
            seeds.add(s.asLong());
        }
        return List.copyOf(seeds);
    }

    /** A sweep-file error at a line, in the recipe-error format. */
    RecipeError error(String origin, String problem, String hint) {
        return source.error(origin, problem, hint);
    }
}
