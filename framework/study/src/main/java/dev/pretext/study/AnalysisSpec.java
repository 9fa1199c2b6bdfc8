package dev.pretext.study;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pretext.core.UserError;
import dev.pretext.core.recipe.LocatedYaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * How a sweep is analysed: the {@code analysis:} block of a sweep file. Every key is optional.
 *
 * @param metric        {@code metric}: {@code score} (the overall probe score), a probe task's name (its metric,
 *                      e.g. {@code phonemes} → PER) or {@code final_loss}
 * @param size          {@code size}: the model size on the x axis: a numeric field of the results
 *                      ({@code parameters}) or an axis path
 * @param budget        {@code budget}: what groups the IsoFLOP curves: a field ({@code flops_budget}) or an axis path
 *                      such as {@code budget.flops}; its values are the compute C of the power laws (FLOPs)
 * @param data          {@code data}: an axis that sets the amount of training data (e.g. {@code data.train.hours});
 *                      null when the sweep has none. Its values get their own plot and separate the scaling fits
 * @param categories    {@code categories}: axes compared as categories (bar charts, pairwise comparisons; each
 *                      value gets its own scaling fits); null means every axis whose values are not all numbers
 * @param bootstrap     {@code bootstrap}: resamples for the intervals
 * @param bootstrapSeed {@code bootstrap_seed}: the resampling seed (the same seed gives the same report)
 */
public record AnalysisSpec(String metric, String size, String budget, String data, List<String> categories,
                           int bootstrap, long bootstrapSeed) {
    public static final String SCORE = "score";
    public static final String FINAL_LOSS = "final_loss";
    public static final String PARAMETERS = "parameters";
    public static final String FLOPS_BUDGET = "flops_budget";

    private static final List<String> KEYS = List.of("metric", "size", "budget", "data", "categories", "bootstrap",
            "bootstrap_seed");

    public AnalysisSpec {
        metric = metric == null || metric.isBlank() ? SCORE : metric;
        size = size == null || size.isBlank() ? PARAMETERS : size;
        budget = budget == null || budget.isBlank() ? FLOPS_BUDGET : budget;
        data = data == null || data.isBlank() ? null : data;
        categories = categories == null ? null : List.copyOf(categories);
        bootstrap = bootstrap == 0 ? 1000 : bootstrap;
        if (bootstrap < 100 || bootstrap > 100_000) {
            throw new UserError("analysis.bootstrap: " + bootstrap + " resamples; give between 100 and 100000 "
                    + "(1000 is the default)");
        }
    }

    public static AnalysisSpec defaults() {
        return new AnalysisSpec(null, null, null, null, null, 0, 1);
    }

    /** Numeric fields of results.jsonl that {@code size} and {@code budget} may name instead of an axis. */
    public static final List<String> RESULT_FIELDS = List.of(PARAMETERS, FLOPS_BUDGET, "flops", "steps", "hours_seen",
            "unique_hours", "epochs");

    /**
     * Checks the block against the sweep's axes before anything runs, so that a misspelt axis costs a second, not
     * a sweep: {@code data} and {@code categories} must be axes, {@code size} and {@code budget} axes or result
     * fields. The metric can only be checked against results ({@link SweepResults#checkMetric}).
     *
     * @param yaml the sweep file, for the line of a mistake
     */
    public void check(LocatedYaml yaml, Collection<String> axes) {
        String known = axes.isEmpty() ? "the sweep has no axes" : "the sweep's axes are " + String.join(", ", axes);
        for (String key : List.of("size", "budget")) {
            String v = key.equals("size") ? size : budget;
            if (!axes.contains(v) && !RESULT_FIELDS.contains(v)) {
                throw yaml.error("analysis." + key, "'" + v + "' is neither an axis of the sweep nor a field of its "
                        + "results", known + "; the fields are " + String.join(", ", RESULT_FIELDS));
            }
        }
        if (data != null && !axes.contains(data)) {
            throw yaml.error("analysis.data", "'" + data + "' is not an axis of the sweep", known);
        }
        if (categories != null) {
            for (int i = 0; i < categories.size(); i++) {
                if (!axes.contains(categories.get(i))) {
                    throw yaml.error("analysis.categories[" + i + "]", "'" + categories.get(i) + "' is not an axis "
                            + "of the sweep", known);
                }
            }
        }
    }

    /** The same analysis of another metric. */
    public AnalysisSpec withMetric(String m) {
        return new AnalysisSpec(m, size, budget, data, categories, bootstrap, bootstrapSeed);
    }

    /**
     * The {@code analysis:} block of {@code sweepDir/sweep.yaml} (the resolved sweep file the sweep command keeps
     * there), or the defaults when there is no such file or block.
     */
    public static AnalysisSpec read(Path sweepDir) {
        Path file = sweepDir.resolve("sweep.yaml");
        if (!Files.isRegularFile(file)) {
            return defaults();
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (text.isBlank()) {
            return defaults();
        }
        LocatedYaml yaml = LocatedYaml.read(file, text);
        JsonNode node = yaml.root().get("analysis");
        return node == null || node.isNull() ? defaults() : parse(yaml, node);
    }

    /** Reads an {@code analysis} node of a located YAML document; errors name the file, line and key. */
    public static AnalysisSpec parse(LocatedYaml yaml, JsonNode node) {
        if (node == null || node.isNull()) {
            // A sweep without an analysis block is analysed with the defaults.
            return defaults();
        }
        if (!node.isObject()) {
            throw yaml.error("analysis", "must be a mapping of keys (metric, size, budget, ...)",
                    "e.g. analysis: {metric: score, size: parameters, budget: budget.flops}");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            String key = it.next().getKey();
            if (!KEYS.contains(key)) {
                throw yaml.error("analysis." + key, "not a key of the analysis block",
                        "the keys are " + String.join(", ", KEYS));
            }
        }
        List<String> categories = null;
        JsonNode cats = node.get("categories");
        if (cats != null && !cats.isNull()) {
            if (!cats.isArray()) {
                throw yaml.error("analysis.categories", "must be a list of axis paths",
                        "e.g. categories: [encoder.preset, objective]");
            }
            categories = new ArrayList<>();
            for (int i = 0; i < cats.size(); i++) {
                if (!cats.get(i).isTextual() || cats.get(i).asText().isBlank()) {
                    throw yaml.error("analysis.categories[" + i + "]", "must be an axis path",
                            "e.g. categories: [encoder.preset, objective]");
                }
                categories.add(cats.get(i).asText());
            }
        }
        long bootstrap = whole(yaml, node, "bootstrap", 1000);
        if (bootstrap < 100 || bootstrap > 100_000) {
            throw yaml.error("analysis.bootstrap", bootstrap + " resamples", "give between 100 and 100000 (1000 is "
                    + "the default)");
        }
        return new AnalysisSpec(text(yaml, node, "metric"), text(yaml, node, "size"), text(yaml, node, "budget"),
                text(yaml, node, "data"), categories, (int) bootstrap, whole(yaml, node, "bootstrap_seed", 1));
    }

    private static String text(LocatedYaml yaml, JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw yaml.error("analysis." + key, "must be a name, not " + v, switch (key) {
                case "metric" -> "score, final_loss or a probe task such as phonemes";
                case "size" -> "parameters, or an axis path";
                case "budget" -> "flops_budget, or an axis path such as budget.flops";
                default -> "an axis path such as data.train.hours";
            });
        }
        return v.asText();
    }

    private static long whole(LocatedYaml yaml, JsonNode node, String key, long otherwise) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        if (!v.isIntegralNumber()) {
            throw yaml.error("analysis." + key, "must be a whole number, not " + v,
                    key.equals("bootstrap") ? "e.g. bootstrap: 1000" : "e.g. bootstrap_seed: 1");
        }
        return v.asLong();
    }
}
