package dev.pretext.core.probe;

import dev.pretext.api.probe.ProbeResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Probe results per upstream and task, one per probe seed, with the seconds each took; renders as text and
 * Markdown. A cell's value is the mean over its seeds; results of two upstreams under one seed are paired (same
 * split, same head seed), which {@link #compare} uses.
 */
public final class ProbeTable {
    /** One head trained under one probe seed. */
    public record Run(long seed, ProbeResult result, double seconds) {
    }

    /** One upstream on one task: a run per probe seed, in the order the seeds were given. */
    public record Cell(List<Run> runs) {
        public Cell {
            runs = List.copyOf(runs);
            if (runs.isEmpty()) {
                throw new IllegalArgumentException("a cell holds at least one run");
            }
        }

        public List<Long> seeds() {
            return runs.stream().map(Run::seed).toList();
        }

        public double[] values() {
            return runs.stream().mapToDouble(r -> r.result().value()).toArray();
        }

        /** The mean over seeds. */
        public double value() {
            return ProbeTable.mean(values());
        }

        /** The sample standard deviation over seeds; 0 for one seed. */
        public double std() {
            return ProbeTable.std(values());
        }

        /** Seconds spent over all seeds. */
        public double seconds() {
            return runs.stream().mapToDouble(Run::seconds).sum();
        }

        /** The value under a seed, or NaN when the cell was not probed under it. */
        public double valueAt(long seed) {
            for (Run r : runs) {
                if (r.seed() == seed) {
                    return r.result().value();
                }
            }
            return Double.NaN;
        }

        /**
         * The cell as one result: the mean value, the layer weights averaged over seeds (still summing to one),
         * the first seed's details. With one seed it is that seed's result.
         */
        public ProbeResult result() {
            ProbeResult first = runs.get(0).result();
            if (runs.size() == 1) {
                return first;
            }
            double[] weights = null;
            if (first.layerWeights() != null) {
                weights = new double[first.layerWeights().length];
                for (Run r : runs) {
                    for (int l = 0; l < weights.length; l++) {
                        weights[l] += r.result().layerWeights()[l] / runs.size();
                    }
                }
            }
            return new ProbeResult(first.metric(), value(), first.higherIsBetter(), weights, first.details());
        }

        /** "0.914" for one seed, "0.914 ± 0.012" (mean ± sample deviation) for several. */
        String formatted() {
            return runs.size() == 1 ? String.format(Locale.ROOT, "%.3f", value())
                    : String.format(Locale.ROOT, "%.3f ± %.3f", value(), std());
        }
    }

    private final Map<String, Map<String, Cell>> rows = new LinkedHashMap<>();

    /**
     * The table a probes.json holds (what {@link #json()} wrote), so that cells probed later can join it and the
     * overall score be computed over every task. Per-seed layer weights and details are not in the file: each
     * seed gets the cell's (mean) weights and its first seed's details, which {@link #json()} writes back
     * unchanged. A cell written before probe seeds existed counts as probed under {@code runSeed}.
     *
     * @throws IllegalArgumentException when a cell lacks its metric or values
     */
    @SuppressWarnings("unchecked")
    public static ProbeTable read(Map<String, Object> json, long runSeed) {
        ProbeTable table = new ProbeTable();
        for (var row : json.entrySet()) {
            if (row.getKey().startsWith("overall_score") || !(row.getValue() instanceof Map<?, ?> cells)) {
                continue;
            }
            for (var entry : ((Map<String, Object>) cells).entrySet()) {
                if (!(entry.getValue() instanceof Map<?, ?> raw)) {
                    continue;
                }
                Map<String, Object> c = (Map<String, Object>) raw;
                String where = row.getKey() + " / " + entry.getKey();
                if (!(c.get("metric") instanceof String metric) || !(c.get("value") instanceof Number mean)) {
                    throw new IllegalArgumentException(where + " has no metric or value");
                }
                List<Long> seeds = new ArrayList<>();
                List<Double> values = new ArrayList<>();
                if (c.get("seeds") instanceof List<?> sl && c.get("values") instanceof List<?> vl
                        && sl.size() == vl.size() && !sl.isEmpty()) {
                    sl.forEach(x -> seeds.add(((Number) x).longValue()));
                    vl.forEach(x -> values.add(((Number) x).doubleValue()));
                } else {
                    seeds.add(runSeed);
                    values.add(mean.doubleValue());
                }
                boolean higher = Boolean.TRUE.equals(c.get("higher_is_better"));
                double[] weights = c.get("layer_weights") instanceof List<?> wl
                        ? wl.stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray() : null;
                Map<String, Double> details = new LinkedHashMap<>();
                if (c.get("details") instanceof Map<?, ?> d) {
                    d.forEach((k, v) -> details.put(String.valueOf(k), ((Number) v).doubleValue()));
                }
                double seconds = c.get("seconds") instanceof Number n ? n.doubleValue() / seeds.size() : 0;
                for (int i = 0; i < seeds.size(); i++) {
                    table.put(row.getKey(), entry.getKey(), seeds.get(i),
                            new ProbeResult(metric, values.get(i), higher, weights, details), seconds);
                }
            }
        }
        return table;
    }

    /** This table with {@code newer}'s cells added, each replacing this table's cell of its upstream and task. */
    public ProbeTable with(ProbeTable newer) {
        ProbeTable out = new ProbeTable();
        for (var row : rows.entrySet()) {
            for (var cell : row.getValue().entrySet()) {
                if (newer.get(row.getKey(), cell.getKey()) == null) {
                    out.rows.computeIfAbsent(row.getKey(), k -> new LinkedHashMap<>()).put(cell.getKey(),
                            cell.getValue());
                }
            }
        }
        for (var row : newer.rows.entrySet()) {
            out.rows.computeIfAbsent(row.getKey(), k -> new LinkedHashMap<>()).putAll(row.getValue());
        }
        return out;
    }

    /** Adds a seed's result to a cell. */
    public void put(String upstream, String task, long seed, ProbeResult result, double seconds) {
        Map<String, Cell> row = rows.computeIfAbsent(upstream, k -> new LinkedHashMap<>());
        Cell cell = row.get(task);
        List<Run> runs = cell == null ? new ArrayList<>() : new ArrayList<>(cell.runs());
        if (runs.stream().anyMatch(r -> r.seed() == seed)) {
            throw new IllegalArgumentException(upstream + " / " + task + " already has a result for seed " + seed);
        }
        runs.add(new Run(seed, result, seconds));
        row.put(task, new Cell(runs));
    }

    public Map<String, Map<String, Cell>> rows() {
        return rows;
    }

    public Cell get(String upstream, String task) {
        Map<String, Cell> row = rows.get(upstream);
        return row == null ? null : row.get(task);
    }

    /** Every probe seed of the table, in the order first met. */
    public List<Long> seeds() {
        Set<Long> seeds = new LinkedHashSet<>();
        rows.values().forEach(r -> r.values().forEach(c -> seeds.addAll(c.seeds())));
        return new ArrayList<>(seeds);
    }

    /**
     * The overall score of an upstream under one probe seed, SUPERB-style: each task's value placed on a scale
     * where the {@code features} baseline (the frontend's own features) under the same seed is 0 and a perfect
     * result (error 0, accuracy 1) is 100, then averaged over the tasks both rows have under that seed. NaN
     * without a features row or a shared task.
     */
    public double score(String upstream, long seed) {
        Map<String, Cell> base = rows.get("features");
        Map<String, Cell> row = rows.get(upstream);
        if (base == null || row == null) {
            return Double.NaN;
        }
        double sum = 0;
        int n = 0;
        for (var e : row.entrySet()) {
            Cell b = base.get(e.getKey());
            double v = e.getValue().valueAt(seed);
            double f = b == null ? Double.NaN : b.valueAt(seed);
            if (Double.isNaN(v) || Double.isNaN(f)) {
                continue;
            }
            double ideal = e.getValue().runs().get(0).result().higherIsBetter() ? 1.0 : 0.0;
            double span = ideal - f;
            if (Math.abs(span) < 1e-12) {
                continue;
            }
            sum += 100 * (v - f) / span;
            n++;
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** The per-seed overall scores of an upstream, in the order of {@link #seeds()}. */
    public double[] scores(String upstream) {
        return seeds().stream().mapToDouble(s -> score(upstream, s)).toArray();
    }

    /** The overall score: the mean over probe seeds of each seed's score. */
    public double score(String upstream) {
        return mean(scores(upstream));
    }

    /**
     * Whether upstream {@code a} really differs from {@code b} on a task, paired by seed over the seeds both
     * were probed under; null when either was not probed on the task.
     */
    public PairedDifference compare(String a, String b, String task) {
        Cell ca = get(a, task);
        Cell cb = get(b, task);
        if (ca == null || cb == null) {
            return null;
        }
        List<Long> seeds = ca.seeds().stream().filter(s -> !Double.isNaN(cb.valueAt(s))).toList();
        if (seeds.isEmpty()) {
            return null;
        }
        double[] va = seeds.stream().mapToDouble(ca::valueAt).toArray();
        double[] vb = seeds.stream().mapToDouble(cb::valueAt).toArray();
        ProbeResult first = ca.runs().get(0).result();
        return PairedDifference.of(task, a, b, first.metric(), seeds, va, vb, first.higherIsBetter());
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return values.length == 0 ? Double.NaN : sum / values.length;
    }

    static double std(double[] values) {
        if (values.length < 2) {
            return 0;
        }
        double mean = mean(values);
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        return Math.sqrt(ss / (values.length - 1));
    }

    private boolean scored() {
        return rows.containsKey("features");
    }

    private String formattedScore(String upstream) {
        double[] scores = scores(upstream);
        return scores.length > 1 ? String.format(Locale.ROOT, "%.1f ± %.1f", mean(scores), std(scores))
                : String.format(Locale.ROOT, "%.1f", mean(scores));
    }

    public List<String> tasks() {
        Set<String> tasks = new LinkedHashSet<>();
        rows.values().forEach(r -> tasks.addAll(r.keySet()));
        return new ArrayList<>(tasks);
    }

    private String header(String task) {
        for (Map<String, Cell> r : rows.values()) {
            Cell c = r.get(task);
            if (c != null) {
                ProbeResult first = c.runs().get(0).result();
                return task + " " + first.metric() + (first.higherIsBetter() ? " ↑" : " ↓");
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
                sb.append(String.format(Locale.ROOT, "  %-20s", c == null ? "-" : c.formatted()));
            }
            if (scored()) {
                sb.append("  ").append(formattedScore(row.getKey()));
            }
            sb.append('\n');
        }
        List<Long> seeds = seeds();
        if (seeds.size() > 1) {
            sb.append("mean ± standard deviation over ").append(seeds.size()).append(" probe seeds ")
                    .append(seeds).append('\n');
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
                sb.append(' ').append(c == null ? "-" : c.formatted()).append(" |");
            }
            if (scored()) {
                sb.append(' ').append(formattedScore(row.getKey())).append(" |");
            }
            sb.append('\n');
        }
        List<Long> seeds = seeds();
        if (seeds.size() > 1) {
            sb.append("\nMean ± standard deviation over ").append(seeds.size()).append(" probe seeds ")
                    .append(seeds).append(".\n");
        }
        return sb.toString();
    }

    /**
     * The JSON form written to probes.json. Each cell keeps the single-seed shape ({@code value} is the mean,
     * {@code layer_weights} the mean, {@code details} the first seed's, {@code seconds} the total) and adds
     * {@code seeds}, {@code values} (one per seed, same order) and {@code std}.
     */
    public Map<String, Object> json() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (var row : rows.entrySet()) {
            Map<String, Object> tasks = new LinkedHashMap<>();
            for (var entry : row.getValue().entrySet()) {
                Cell cell = entry.getValue();
                ProbeResult r = cell.result();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("metric", r.metric());
                m.put("value", r.value());
                m.put("higher_is_better", r.higherIsBetter());
                m.put("layer_weights", r.layerWeights());
                m.put("details", r.details());
                m.put("seconds", cell.seconds());
                m.put("seeds", cell.seeds());
                m.put("values", cell.values());
                m.put("std", cell.std());
                tasks.put(entry.getKey(), m);
            }
            out.put(row.getKey(), tasks);
        }
        if (scored()) {
            Map<String, Object> scores = new LinkedHashMap<>();
            Map<String, Object> stds = new LinkedHashMap<>();
            Map<String, Object> values = new LinkedHashMap<>();
            for (String u : rows.keySet()) {
                double[] perSeed = scores(u);
                scores.put(u, mean(perSeed));
                stds.put(u, std(perSeed));
                values.put(u, perSeed);
            }
            out.put("overall_score", scores);
            out.put("overall_score_std", stds);
            out.put("overall_score_values", values);
        }
        return out;
    }
}
