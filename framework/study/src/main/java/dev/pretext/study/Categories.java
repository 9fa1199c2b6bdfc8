package dev.pretext.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A category axis's values compared under the rule. Two values are compared on matched cells: pairs of
 * finished runs that agree on every other axis; for each probe seed the differences are averaged over the
 * cells, and the rule's paired test runs over those per-seed differences.
 */
public final class Categories {
    private Categories() {
    }

    /** One value of the axis: its finished runs with the metric, and its mean and std over seeds. */
    public record Bar(String label, int runs, double mean, double std, int seeds) {
    }

    /** A comparison of two values, with the number of matched cells it rests on. */
    public record Pair(Comparison comparison, int cells) {
    }

    /** The axis's labels in the order runs first use them. */
    public static List<String> labels(List<RunRow> runs, String axis) {
        List<String> labels = new ArrayList<>();
        for (RunRow r : runs) {
            String l = r.label(axis);
            if (l != null && !labels.contains(l)) {
                labels.add(l);
            }
        }
        return labels;
    }

    /**
     * The bar of one value: per seed, the mean over its runs; then mean and std over seeds (over runs when the
     * metric has no seeds, e.g. the final loss).
     */
    public static Bar bar(List<RunRow> finished, String axis, String label, String metric) {
        Map<Long, List<Double>> bySeed = new TreeMap<>();
        List<Double> means = new ArrayList<>();
        boolean seeded = true;
        for (RunRow r : finished) {
            Measure m = r.measure(metric);
            if (m == null || !label.equals(r.label(axis))) {
                continue;
            }
            means.add(m.mean());
            if (m.seeds() == null) {
                seeded = false;
            } else {
                for (int i = 0; i < m.seeds().length; i++) {
                    bySeed.computeIfAbsent(m.seeds()[i], s -> new ArrayList<>()).add(m.values()[i]);
                }
            }
        }
        if (means.isEmpty()) {
            return new Bar(label, 0, Double.NaN, Double.NaN, 0);
        }
        if (!seeded || bySeed.isEmpty()) {
            double[] v = means.stream().mapToDouble(Double::doubleValue).toArray();
            return new Bar(label, v.length, Stats.mean(v), Stats.std(v), 0);
        }
        double[] perSeed = bySeed.values().stream().mapToDouble(l -> l.stream().mapToDouble(Double::doubleValue)
                .average().orElse(Double.NaN)).toArray();
        return new Bar(label, means.size(), Stats.mean(perSeed), Stats.std(perSeed), perSeed.length);
    }

    /** Compares value a with value b of the axis on matched cells (see the class comment). */
    public static Pair compare(List<RunRow> finished, List<String> axes, String axis, String a, String b,
                               String metric, boolean higherIsBetter) {
        List<String> others = new ArrayList<>();
        for (String x : axes) {
            if (!x.equals(axis) && !nestedIn(finished, x, axis)) {
                others.add(x);
            }
        }
        Map<String, Measure> left = cells(finished, others, axis, a, metric);
        Map<String, Measure> right = cells(finished, others, axis, b, metric);
        Map<Long, List<Double>> diffs = new TreeMap<>();
        int cells = 0;
        for (var e : left.entrySet()) {
            Measure mb = right.get(e.getKey());
            if (mb == null) {
                continue;
            }
            Measure ma = e.getValue();
            double[][] p = Measure.paired(ma, mb);
            if (p[0].length == 0) {
                continue;
            }
            cells++;
            // Seeds are paired by number; unseeded values by position.
            long[] seeds = ma.seeds() != null && mb.seeds() != null ? commonSeeds(ma, mb) : null;
            for (int i = 0; i < p[0].length; i++) {
                long key = seeds != null ? seeds[i] : i;
                diffs.computeIfAbsent(key, k -> new ArrayList<>()).add(p[0][i] - p[1][i]);
            }
        }
        double[] d = diffs.values().stream().mapToDouble(l -> l.stream().mapToDouble(Double::doubleValue).average()
                .orElse(Double.NaN)).toArray();
        return new Pair(Comparison.paired(a, d, b, new double[d.length], higherIsBetter), cells);
    }

    /**
     * Whether every run's value of {@code x} follows from its value of {@code axis}: a named variant that sets
     * augment: [] carries its augment label along, and cells must not be split by it, or no two variants ever
     * share a cell.
     */
    static boolean nestedIn(List<RunRow> runs, String x, String axis) {
        Map<String, String> seen = new java.util.HashMap<>();
        for (RunRow r : runs) {
            String key = String.valueOf(r.label(axis));
            String value = String.valueOf(r.label(x));
            String before = seen.putIfAbsent(key, value);
            if (before != null && !before.equals(value)) {
                return false;
            }
        }
        return true;
    }

    /** The seeds two measures share, in a's order (the order {@link Measure#paired} uses). */
    private static long[] commonSeeds(Measure a, Measure b) {
        List<Long> s = new ArrayList<>();
        for (long x : a.seeds()) {
            for (long y : b.seeds()) {
                if (x == y) {
                    s.add(x);
                    break;
                }
            }
        }
        return s.stream().mapToLong(Long::longValue).toArray();
    }

    /** The finished runs with this label, keyed by their labels on every other axis (first run of a cell wins). */
    private static Map<String, Measure> cells(List<RunRow> finished, List<String> axes, String axis, String label,
                                              String metric) {
        Map<String, Measure> cells = new LinkedHashMap<>();
        for (RunRow r : finished) {
            Measure m = r.measure(metric);
            if (m == null || !label.equals(r.label(axis))) {
                continue;
            }
            cells.putIfAbsent(cellKey(r, axes, axis), m);
        }
        return cells;
    }

    /** A run's labels on every axis but {@code except}, as one string. */
    static String cellKey(RunRow r, List<String> axes, String except) {
        StringBuilder sb = new StringBuilder();
        for (String a : axes) {
            if (!a.equals(except)) {
                sb.append(a).append('=').append(r.label(a)).append('\u0001');
            }
        }
        return sb.toString();
    }
}
