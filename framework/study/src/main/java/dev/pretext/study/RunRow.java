package dev.pretext.study;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pretext.core.Json;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * One line of a sweep's {@code results.jsonl}: one run. Every field may be missing or null (a failed or pending
 * run), so every accessor may answer null.
 *
 * @param line the line number in results.jsonl (1-based), for messages
 */
public record RunRow(int line, JsonNode node) {
    public static final String FINISHED = "finished";

    public String run() {
        String r = text(node.get("run"));
        return r == null ? "line " + line : r;
    }

    public String status() {
        String s = text(node.get("status"));
        return s == null ? "unknown" : s;
    }

    public boolean finished() {
        return FINISHED.equals(status());
    }

    public String reason() {
        return text(node.get("reason"));
    }

    public String runDir() {
        return text(node.get("run_dir"));
    }

    /** A top-level numeric field, null when absent, null or not a finite number. */
    public Double number(String field) {
        return finite(node.get(field));
    }

    /**
     * A field of the results when the row has one by that name (e.g. {@code parameters}), else the numeric
     * value of the axis of that path (e.g. {@code budget.flops}).
     */
    public Double value(String fieldOrAxis) {
        if (node.has(fieldOrAxis) && !node.get(fieldOrAxis).isContainerNode()) {
            return number(fieldOrAxis);
        }
        JsonNode o = override(fieldOrAxis);
        return o == null ? null : finite(o);
    }

    /**
     * The axes this run set, in the order the row lists them, then the axes that only have a label: a named
     * entry's {@code variant} (slim-12x192, noaug), which sets several keys at once or none at all.
     */
    public List<String> axes() {
        List<String> axes = new ArrayList<>();
        for (String field : List.of("overrides", "labels")) {
            JsonNode o = node.get(field);
            if (o != null && o.isObject()) {
                for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                    String a = it.next();
                    if (!axes.contains(a)) {
                        axes.add(a);
                    }
                }
            }
        }
        return axes;
    }

    public JsonNode override(String axis) {
        JsonNode o = node.get("overrides");
        JsonNode v = o == null ? null : o.get(axis);
        return v == null || v.isNull() ? null : v;
    }

    /** The short readable label of an axis value: the sweep's own, else one made from the value; null if unset. */
    public String label(String axis) {
        JsonNode labels = node.get("labels");
        String given = labels == null ? null : text(labels.get(axis));
        if (given != null) {
            return given;
        }
        JsonNode v = override(axis);
        if (v == null) {
            return null;
        }
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isNumber()) {
            return Format.number(v.asDouble());
        }
        if (v.isObject() && v.has("type") && v.get("type").isTextual()) {
            return v.get("type").asText();
        }
        try {
            return Json.COMPACT.writeValueAsString(v);
        } catch (Exception e) {
            return v.toString();
        }
    }

    public boolean hasProbe(String task) {
        JsonNode p = node.get("probes");
        return p != null && p.get(task) != null && p.get(task).isObject();
    }

    public List<String> probes() {
        List<String> tasks = new ArrayList<>();
        JsonNode p = node.get("probes");
        if (p != null && p.isObject()) {
            for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
                tasks.add(it.next());
            }
        }
        return tasks;
    }

    /**
     * The metric as a {@link Measure}: {@code score}, {@code final_loss}, or a probe task's metric. Null when the
     * run lacks it (a failed run, a probe that did not run).
     */
    public Measure measure(String metric) {
        if (AnalysisSpec.FINAL_LOSS.equals(metric)) {
            Double v = number(AnalysisSpec.FINAL_LOSS);
            return v == null ? null : new Measure(v, 0, new double[]{v}, null, false, 0);
        }
        if (AnalysisSpec.SCORE.equals(metric)) {
            return spread(node.get("score"), true, 100);
        }
        JsonNode p = node.get("probes");
        JsonNode task = p == null ? null : p.get(metric);
        if (task == null || !task.isObject()) {
            return null;
        }
        JsonNode hib = task.get("higher_is_better");
        boolean higher = hib != null && hib.asBoolean(false);
        return spread(task, higher, higher ? 1 : 0);
    }

    /** The probe metric's name of a task ("per", "accuracy"), null when unknown. */
    public String metricName(String task) {
        JsonNode p = node.get("probes");
        return p == null || p.get(task) == null ? null : text(p.get(task).get("metric"));
    }

    private Measure spread(JsonNode n, boolean higher, double ideal) {
        if (n == null || !n.isObject()) {
            return null;
        }
        Double mean = finite(n.get("mean"));
        JsonNode vals = n.get("values");
        List<Double> values = new ArrayList<>();
        List<Long> seeds = new ArrayList<>();
        JsonNode seedList = node.get("probe_seeds");
        boolean seeded = vals != null && vals.isArray() && seedList != null && seedList.isArray()
                && seedList.size() == vals.size();
        if (vals != null && vals.isArray()) {
            for (int i = 0; i < vals.size(); i++) {
                Double v = finite(vals.get(i));
                if (v != null) {
                    values.add(v);
                    if (seeded) {
                        seeds.add(seedList.get(i).asLong());
                    }
                }
            }
        }
        if (values.isEmpty()) {
            if (mean == null) {
                return null;
            }
            values.add(mean);
            seeded = false;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        double m = mean != null ? mean : Stats.mean(v);
        Double std = finite(n.get("std"));
        return new Measure(m, std != null ? std : Stats.std(v), v,
                seeded ? seeds.stream().mapToLong(Long::longValue).toArray() : null, higher, ideal);
    }

    static String text(JsonNode n) {
        return n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
    }

    static Double finite(JsonNode n) {
        if (n == null || !n.isNumber()) {
            return null;
        }
        double d = n.asDouble();
        return Double.isFinite(d) ? d : null;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "RunRow[%s, %s]", run(), status());
    }
}
