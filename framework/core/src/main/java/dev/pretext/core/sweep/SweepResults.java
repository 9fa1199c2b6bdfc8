package dev.pretext.core.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pretext.core.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sweep's results, one row per run, gathered from the run folders: {@code results.jsonl} (everything,
 * timings included) and {@code results.csv} (the numbers a run's recipe and seed determine, without wall-clock
 * times, so that a resumed sweep's CSV equals an uninterrupted one's byte for byte).
 */
public final class SweepResults {
    private SweepResults() {
    }

    /** Every run's row, in the sweep's order; runs not finished have their status and no numbers. */
    public static List<Map<String, Object>> rows(Sweep sweep) {
        Map<String, JsonNode> probeFiles = new LinkedHashMap<>();
        for (Sweep.Run run : sweep.runs()) {
            probeFiles.put(run.name(), readJson(run.runDir().resolve("probes.json")));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Sweep.Run run : sweep.runs()) {
            rows.add(row(sweep, run, probeFiles));
        }
        return rows;
    }

    static Map<String, Object> row(Sweep sweep, Sweep.Run run, Map<String, JsonNode> probeFiles) {
        Map<String, Object> row = new LinkedHashMap<>();
        Sweep.State state = sweep.state(run);
        row.put("run", run.name());
        row.put("status", switch (state) {
            case FINISHED -> "finished";
            case FAILED -> "failed";
            case INTERRUPTED -> "interrupted";
            case NOT_STARTED -> "pending";
        });
        row.put("reason", state == Sweep.State.FAILED ? sweep.failure(run) : null);
        Map<String, Object> overrides = new LinkedHashMap<>();
        run.plan().overrides().stream().filter(o -> run.plan().labels().containsKey(o.path()))
                .forEach(o -> overrides.put(o.path(), o.value()));
        row.put("overrides", overrides);
        row.put("labels", run.plan().labels());
        row.put("run_dir", sweep.dir().relativize(run.runDir()).toString());
        if (state != Sweep.State.FINISHED) {
            return row;
        }
        JsonNode manifest = readJson(run.runDir().resolve("manifest.json"));
        JsonNode training = manifest == null ? null : manifest.get("training");
        JsonNode data = manifest == null ? null : manifest.get("data");
        row.put("parameters", manifest == null || !manifest.has("parameters") ? null : manifest.get("parameters").asLong());
        // Where it trained (results.jsonl only: the CSV keeps its columns).
        row.put("device", manifest == null ? null : manifest.path("platform").path("device").asText(null));
        row.put("flops_budget", number(training, "flops_budget"));
        row.put("flops", number(training, "flops"));
        row.put("steps", training == null ? null : training.path("steps").asLong());
        row.put("hours_seen", number(data, "processed_hours"));
        row.put("unique_hours", number(data, "unique_hours"));
        row.put("epochs", number(data, "epochs"));
        row.put("final_loss", number(training, "final_loss"));
        row.put("train_seconds", number(training, "train_seconds"));
        row.put("probe_wall_seconds", manifest == null ? null : number(manifest, "probe_wall_seconds"));
        double wall = sweep.wallSeconds(run);
        row.put("wall_seconds", Double.isNaN(wall) ? null : wall);
        // What the sweep's way of running costs beyond training and probing: JVM start, host boot, listing data,
        // feature statistics, checkpoints.
        Double train = (Double) row.get("train_seconds");
        Double probing = (Double) row.get("probe_wall_seconds");
        row.put("overhead_seconds", Double.isNaN(wall) || train == null || probing == null ? null
                : wall - train - probing);
        JsonNode own = probeFiles.get(run.name());
        row.put("probe_seconds", own == null ? null : seconds(own.get("pretrained")));
        double baselineSeconds = 0;
        for (String b : run.baselines()) {
            Double s = own == null ? null : seconds(own.get(b));
            baselineSeconds += s == null ? 0 : s;
        }
        row.put("baseline_probe_seconds", baselineSeconds);
        Map<String, Object> probes = cells(own == null ? null : own.get("pretrained"));
        row.put("probe_seeds", seeds(own == null ? null : own.get("pretrained")));
        row.put("probes", probes);
        Map<String, Object> baselines = new LinkedHashMap<>();
        run.baselineOwners().forEach((b, owner) -> {
            JsonNode file = probeFiles.get(owner);
            Map<String, Object> cells = cells(file == null ? null : file.get(b));
            if (!cells.isEmpty()) {
                baselines.put(b, cells);
            }
        });
        row.put("baselines", baselines);
        row.put("score", score(probes, baselines.get("features")));
        return row;
    }

    /** task → {metric, higher_is_better, mean, std, values} from one upstream's rows of a probes.json. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> cells(JsonNode upstream) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (upstream == null || !upstream.isObject()) {
            return out;
        }
        upstream.fields().forEachRemaining(e -> {
            JsonNode c = e.getValue();
            if (!c.has("value")) {
                return;
            }
            Map<String, Object> cell = new LinkedHashMap<>();
            cell.put("metric", c.path("metric").asText());
            cell.put("higher_is_better", c.path("higher_is_better").asBoolean());
            cell.put("mean", c.get("value").asDouble());
            cell.put("std", c.has("std") ? c.get("std").asDouble() : 0.0);
            List<Double> values = new ArrayList<>();
            if (c.has("values")) {
                c.get("values").forEach(v -> values.add(v.asDouble()));
            } else {
                values.add(c.get("value").asDouble());
            }
            cell.put("values", values);
            out.put(e.getKey(), cell);
        });
        return out;
    }

    private static List<Long> seeds(JsonNode upstream) {
        if (upstream == null) {
            return List.of();
        }
        for (JsonNode c : upstream) {
            if (c.has("seeds")) {
                List<Long> out = new ArrayList<>();
                c.get("seeds").forEach(s -> out.add(s.asLong()));
                return out;
            }
        }
        return List.of();
    }

    /**
     * The overall score per probe seed, as the run's own table computes it: each task placed on a scale where the
     * features baseline of the same seed is 0 and a perfect result 100, averaged over tasks.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> score(Map<String, Object> probes, Object featuresCells) {
        if (!(featuresCells instanceof Map<?, ?> features) || probes.isEmpty()) {
            return null;
        }
        int seeds = -1;
        List<double[]> perTask = new ArrayList<>();
        for (var e : probes.entrySet()) {
            Map<String, Object> cell = (Map<String, Object>) e.getValue();
            Map<String, Object> base = (Map<String, Object>) features.get(e.getKey());
            if (base == null) {
                continue;
            }
            List<Double> v = (List<Double>) cell.get("values");
            List<Double> b = (List<Double>) base.get("values");
            if (v.size() != b.size() || (seeds >= 0 && v.size() != seeds)) {
                return null;
            }
            seeds = v.size();
            double ideal = (Boolean) cell.get("higher_is_better") ? 1.0 : 0.0;
            double[] s = new double[seeds];
            for (int i = 0; i < seeds; i++) {
                double span = ideal - b.get(i);
                s[i] = Math.abs(span) < 1e-12 ? Double.NaN : 100 * (v.get(i) - b.get(i)) / span;
            }
            perTask.add(s);
        }
        if (perTask.isEmpty()) {
            return null;
        }
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < seeds; i++) {
            double sum = 0;
            int n = 0;
            for (double[] s : perTask) {
                if (!Double.isNaN(s[i])) {
                    sum += s[i];
                    n++;
                }
            }
            values.add(n == 0 ? Double.NaN : sum / n);
        }
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double var = 0;
        for (double v : values) {
            var += (v - mean) * (v - mean);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mean", mean);
        out.put("std", values.size() > 1 ? Math.sqrt(var / (values.size() - 1)) : 0.0);
        out.put("values", values);
        return out;
    }

    private static Double seconds(JsonNode upstream) {
        if (upstream == null) {
            return null;
        }
        double sum = 0;
        for (JsonNode c : upstream) {
            sum += c.path("seconds").asDouble(0);
        }
        return sum;
    }

    private static Double number(JsonNode node, String key) {
        return node == null || !node.hasNonNull(key) ? null : node.get(key).asDouble();
    }

    static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            return null;
        }
    }

    /** Writes results.jsonl and results.csv into the sweep folder, each atomically; returns the rows. */
    public static List<Map<String, Object>> write(Sweep sweep) {
        List<Map<String, Object>> rows = rows(sweep);
        StringBuilder jsonl = new StringBuilder();
        try {
            for (Map<String, Object> row : rows) {
                jsonl.append(Json.COMPACT.writeValueAsString(row)).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Json.writeAtomically(sweep.dir().resolve("results.jsonl"), jsonl.toString());
        Json.writeAtomically(sweep.dir().resolve("results.csv"), csv(sweep, rows));
        return rows;
    }

    @SuppressWarnings("unchecked")
    static String csv(Sweep sweep, List<Map<String, Object>> rows) {
        Set<String> axes = new LinkedHashSet<>();
        Set<String> tasks = new LinkedHashSet<>();
        Map<String, String> metricOf = new LinkedHashMap<>();
        Set<String> baselineNames = new LinkedHashSet<>();
        for (Map<String, Object> row : rows) {
            axes.addAll(((Map<String, String>) row.get("labels")).keySet());
            Map<String, Object> probes = (Map<String, Object>) row.getOrDefault("probes", Map.of());
            probes.forEach((t, c) -> {
                tasks.add(t);
                metricOf.put(t, (String) ((Map<String, Object>) c).get("metric"));
            });
            baselineNames.addAll(((Map<String, Object>) row.getOrDefault("baselines", Map.of())).keySet());
        }
        List<String> header = new ArrayList<>(List.of("run", "status", "reason"));
        header.addAll(axes);
        header.addAll(List.of("parameters", "flops_budget", "flops", "steps", "hours_seen", "unique_hours", "epochs",
                "final_loss"));
        for (String t : tasks) {
            header.add(t + "." + metricOf.get(t) + ".mean");
            header.add(t + "." + metricOf.get(t) + ".std");
        }
        for (String b : baselineNames) {
            for (String t : tasks) {
                header.add(b + "." + t + "." + metricOf.get(t) + ".mean");
            }
        }
        header.addAll(List.of("score.mean", "score.std", "probe_seeds"));
        StringBuilder sb = new StringBuilder(String.join(",", header.stream().map(SweepResults::field).toList()))
                .append('\n');
        for (Map<String, Object> row : rows) {
            List<String> cells = new ArrayList<>();
            cells.add((String) row.get("run"));
            cells.add((String) row.get("status"));
            cells.add(row.get("reason") == null ? "" : (String) row.get("reason"));
            Map<String, String> labels = (Map<String, String>) row.get("labels");
            axes.forEach(a -> cells.add(labels.getOrDefault(a, "")));
            for (String k : List.of("parameters", "flops_budget", "flops", "steps", "hours_seen", "unique_hours",
                    "epochs", "final_loss")) {
                cells.add(format(row.get(k)));
            }
            Map<String, Object> probes = (Map<String, Object>) row.getOrDefault("probes", Map.of());
            for (String t : tasks) {
                Map<String, Object> c = (Map<String, Object>) probes.get(t);
                cells.add(c == null ? "" : format(c.get("mean")));
                cells.add(c == null ? "" : format(c.get("std")));
            }
            Map<String, Object> baselines = (Map<String, Object>) row.getOrDefault("baselines", Map.of());
            for (String b : baselineNames) {
                Map<String, Object> cellsOf = (Map<String, Object>) baselines.getOrDefault(b, Map.of());
                for (String t : tasks) {
                    Map<String, Object> c = (Map<String, Object>) cellsOf.get(t);
                    cells.add(c == null ? "" : format(c.get("mean")));
                }
            }
            Map<String, Object> score = (Map<String, Object>) row.get("score");
            cells.add(score == null ? "" : format(score.get("mean")));
            cells.add(score == null ? "" : format(score.get("std")));
            List<Long> seeds = (List<Long>) row.getOrDefault("probe_seeds", List.of());
            cells.add(String.join(" ", seeds.stream().map(String::valueOf).toList()));
            sb.append(String.join(",", cells.stream().map(SweepResults::field).toList())).append('\n');
        }
        return sb.toString();
    }

    /** Six significant digits: enough for every metric, and the same text for the same number. */
    static String format(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Long || value instanceof Integer) {
            return value.toString();
        }
        double d = ((Number) value).doubleValue();
        if (!Double.isFinite(d)) {
            return "";
        }
        return Overrides.number(new BigDecimal(d).round(MathContext.DECIMAL64).round(new MathContext(6)));
    }

    private static String field(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
