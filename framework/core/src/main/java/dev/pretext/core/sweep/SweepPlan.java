package dev.pretext.core.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pretext.core.recipe.LocatedYaml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A sweep expanded into its runs: each a name, its overrides and the recipe tree they make from the base. */
public final class SweepPlan {
    /**
     * One override as the sweep gives it.
     *
     * @param origin where the sweep file says it ({@code grid.encoder.scale}, {@code runs[2].objective},
     *               {@code set.probes.tasks}), for errors at its line
     */
    public record KeyOverride(String path, JsonNode value, String origin) {
    }

    /**
     * One run of the sweep, planned.
     *
     * @param overrides the run's overrides in the order applied ({@code set}, its explicit entry, the grid)
     * @param labels    axis path → short label, for tables (only the axes that vary: entries and grid)
     * @param recipe    the base recipe with the overrides applied and the run's name set
     */
    public record PlannedRun(String name, List<KeyOverride> overrides, Map<String, String> labels, ObjectNode recipe) {
        /** The sweep-file origin of the override that sets {@code path} or a key above or below it, or null. */
        public List<KeyOverride> touching(String key) {
            List<KeyOverride> exact = new ArrayList<>();
            List<KeyOverride> around = new ArrayList<>();
            for (KeyOverride o : overrides) {
                String p = o.path();
                if (key.equals(p) || key.startsWith(p + ".") || key.startsWith(p + "[")) {
                    exact.add(o);
                } else if (p.startsWith(key + ".") || p.startsWith(key + "[") || key.isEmpty()) {
                    around.add(o);
                }
            }
            return exact.isEmpty() ? around : exact;
        }
    }

    /** The axis of the explicit runs' names. */
    public static final String VARIANT = "variant";

    private SweepPlan() {
    }

    /**
     * Expands the sweep over its base recipe: the explicit runs (or one run) crossed with every grid point, the
     * first grid axis varying slowest.
     *
     * @throws dev.pretext.core.recipe.RecipeError at the sweep file's line when an override cannot be placed or
     *                                             two runs get one name
     */
    public static List<PlannedRun> expand(SweepFile sweep, LocatedYaml base) {
        if (!base.root().isObject()) {
            throw base.error("", "a recipe is a mapping of sections (name, budget, data, frontend, ...)", null);
        }
        List<SweepFile.Entry> entries = sweep.runs().isEmpty()
                ? List.of(new SweepFile.Entry(null, Map.of(), null)) : sweep.runs();
        List<String> axes = new ArrayList<>(sweep.grid().keySet());
        for (SweepFile.Entry e : entries) {
            for (String path : e.overrides().keySet()) {
                if (sweep.grid().containsKey(path)) {
                    throw sweep.error(e.path() + "." + path, "'" + path + "' is also a grid axis",
                            "set it in one place");
                }
            }
        }
        for (String path : sweep.set().keySet()) {
            if (sweep.grid().containsKey(path) || entries.stream().anyMatch(e -> e.overrides().containsKey(path))) {
                throw sweep.error("set." + path, "'" + path + "' is also varied by the grid or a run",
                        "set it in one place");
            }
        }
        List<PlannedRun> out = new ArrayList<>();
        Map<String, String> origins = new LinkedHashMap<>();
        int points = 1;
        for (String a : axes) {
            points *= sweep.grid().get(a).size();
        }
        for (SweepFile.Entry entry : entries) {
            for (int point = 0; point < points; point++) {
                List<KeyOverride> overrides = new ArrayList<>();
                Map<String, String> labels = new LinkedHashMap<>();
                List<String> segments = new ArrayList<>();
                sweep.set().forEach((p, v) -> overrides.add(new KeyOverride(p, v, "set." + p)));
                if (!sweep.probeSeeds().isEmpty()) {
                    overrides.add(new KeyOverride("probes.seeds", dev.pretext.core.recipe.ConfigBinder.MAPPER
                            .valueToTree(sweep.probeSeeds()), "probe_seeds"));
                }
                if (entry.name() != null) {
                    segments.add(entry.name());
                    // A named entry is a value of its own axis, for tables and bar charts: slim-12x192, small-3x320.
                    labels.put(VARIANT, entry.name());
                }
                entry.overrides().forEach((p, v) -> {
                    overrides.add(new KeyOverride(p, v, entry.path() + "." + p));
                    labels.put(p, Overrides.label(v));
                    if (entry.name() == null) {
                        segments.add(Overrides.segment(p, v));
                    }
                });
                int rest = point;
                int[] index = new int[axes.size()];
                for (int a = axes.size() - 1; a >= 0; a--) {
                    int n = sweep.grid().get(axes.get(a)).size();
                    index[a] = rest % n;
                    rest /= n;
                }
                for (int a = 0; a < axes.size(); a++) {
                    String p = axes.get(a);
                    JsonNode v = sweep.grid().get(p).get(index[a]);
                    overrides.add(new KeyOverride(p, v, "grid." + p));
                    labels.put(p, Overrides.label(v));
                    segments.add(Overrides.segment(p, v));
                }
                String name = segments.isEmpty() ? "base" : String.join("-", segments);
                if (name.length() > dev.pretext.core.recipe.Recipe.MAX_NAME) {
                    String where = entry.path() != null ? entry.path() : "grid";
                    throw sweep.error(where, "run name '" + name.substring(0, 40) + "...' is " + name.length()
                            + " characters long", "give the runs short names (runs: [{name: ...}])");
                }
                String origin = entry.path() != null ? entry.path() : "grid point " + (point + 1);
                String clash = origins.putIfAbsent(name, origin);
                if (clash != null) {
                    throw sweep.error(entry.path() != null ? entry.path() : "grid", "two runs are named '" + name
                            + "' (" + clash + " and " + origin + ")", "give them names: runs: [{name: ...}]");
                }
                ObjectNode recipe = base.root().deepCopy();
                for (KeyOverride o : overrides) {
                    try {
                        Overrides.apply(recipe, o.path(), o.value());
                    } catch (IllegalArgumentException e) {
                        throw sweep.error(o.origin(), "run " + name + ": cannot set " + o.path() + " in "
                                + base.file().getFileName() + ": " + e.getMessage(), "check the key path against "
                                + "the base recipe");
                    }
                }
                recipe.set("name", JsonNodeFactory.instance.textNode(name));
                out.add(new PlannedRun(name, List.copyOf(overrides), java.util.Collections.unmodifiableMap(labels), recipe));
            }
        }
        return List.copyOf(out);
    }
}
