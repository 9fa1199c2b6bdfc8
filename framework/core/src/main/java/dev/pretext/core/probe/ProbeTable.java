package dev.pretext.core.probe;

import dev.pretext.api.probe.ProbeResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Probe results per upstream and task, with the seconds each took; renders as text and Markdown. */
public final class ProbeTable {
    public record Cell(ProbeResult result, double seconds) {
    }

    private final Map<String, Map<String, Cell>> rows = new LinkedHashMap<>();

    public void put(String upstream, String task, ProbeResult result, double seconds) {
        rows.computeIfAbsent(upstream, k -> new LinkedHashMap<>()).put(task, new Cell(result, seconds));
    }

    public Map<String, Map<String, Cell>> rows() {
        return rows;
    }

    public Cell get(String upstream, String task) {
        Map<String, Cell> row = rows.get(upstream);
        return row == null ? null : row.get(task);
    }

    /**
     * The overall score of an upstream, SUPERB-style: each task's value placed on a scale where the
     * {@code features} baseline (the frontend's own features) is 0 and a perfect result (error 0, accuracy 1) is
     * 100, then averaged over the tasks both rows have. NaN without a features row or a shared task.
     */
    public double score(String upstream) {
        Map<String, Cell> base = rows.get("features");
        Map<String, Cell> row = rows.get(upstream);
        if (base == null || row == null) {
            return Double.NaN;
        }
        double sum = 0;
        int n = 0;
        for (var e : row.entrySet()) {
            Cell b = base.get(e.getKey());
            if (b == null) {
                continue;
            }
            ProbeResult r = e.getValue().result();
            double ideal = r.higherIsBetter() ? 1.0 : 0.0;
            double span = ideal - b.result().value();
            if (Math.abs(span) < 1e-12) {
                continue;
            }
            sum += 100 * (r.value() - b.result().value()) / span;
            n++;
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private boolean scored() {
        return rows.containsKey("features");
    }

    private List<String> tasks() {
        Set<String> tasks = new LinkedHashSet<>();
        rows.values().forEach(r -> tasks.addAll(r.keySet()));
        return new ArrayList<>(tasks);
    }

    private String header(String task) {
        for (Map<String, Cell> r : rows.values()) {
            Cell c = r.get(task);
            if (c != null) {
                return task + " " + c.result().metric() + (c.result().higherIsBetter() ? " ↑" : " ↓");
            }
        }
        return task;
    }

    /** A fixed-width table for the terminal. */
    public String text() {
        List<String> tasks = tasks();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-12s", "upstream"));
        for (String t : tasks) {
            sb.append(String.format(Locale.ROOT, "  %-20s", header(t)));
        }
        if (scored()) {
            sb.append("  score");
        }
        sb.append('\n');
        for (var row : rows.entrySet()) {
            sb.append(String.format(Locale.ROOT, "%-12s", row.getKey()));
            for (String t : tasks) {
                Cell c = row.getValue().get(t);
                sb.append(String.format(Locale.ROOT, "  %-20s", c == null ? "-" : String.format(Locale.ROOT, "%.3f", c.result().value())));
            }
            if (scored()) {
                sb.append(String.format(Locale.ROOT, "  %.1f", score(row.getKey())));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    public String markdown() {
        List<String> tasks = tasks();
        StringBuilder sb = new StringBuilder("| upstream |");
        tasks.forEach(t -> sb.append(' ').append(header(t)).append(" |"));
        if (scored()) {
            sb.append(" score ↑ |");
        }
        sb.append("\n|---|");
        tasks.forEach(t -> sb.append("---|"));
        if (scored()) {
            sb.append("---|");
        }
        sb.append('\n');
        for (var row : rows.entrySet()) {
            sb.append("| ").append(row.getKey()).append(" |");
            for (String t : tasks) {
                Cell c = row.getValue().get(t);
                sb.append(' ').append(c == null ? "-" : String.format(Locale.ROOT, "%.3f", c.result().value())).append(" |");
            }
            if (scored()) {
                sb.append(String.format(Locale.ROOT, " %.1f |", score(row.getKey())));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The JSON form written to probes.json. */
    public Map<String, Object> json() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (var row : rows.entrySet()) {
            Map<String, Object> tasks = new LinkedHashMap<>();
            for (var cell : row.getValue().entrySet()) {
                ProbeResult r = cell.getValue().result();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("metric", r.metric());
                m.put("value", r.value());
                m.put("higher_is_better", r.higherIsBetter());
                m.put("layer_weights", r.layerWeights());
                m.put("details", r.details());
                m.put("seconds", cell.getValue().seconds());
                tasks.put(cell.getKey(), m);
            }
            out.put(row.getKey(), tasks);
        }
        if (scored()) {
            Map<String, Object> scores = new LinkedHashMap<>();
            rows.keySet().forEach(u -> scores.put(u, score(u)));
            out.put("overall_score", scores);
        }
        return out;
    }
}
