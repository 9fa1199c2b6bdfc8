package dev.pretext.study;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pretext.core.UserError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeSet;

/** A sweep folder's {@code results.jsonl}: one row per run, in the file's order. */
public final class SweepResults {
    public static final String FILE = "results.jsonl";

    // NaN and Infinity may appear where a probe diverged; they are read and then treated as missing values.
    private static final ObjectMapper READER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private final Path dir;
    private final List<RunRow> rows;

    public SweepResults(Path dir, List<RunRow> rows) {
        this.dir = dir;
        this.rows = List.copyOf(rows);
    }

    /** Reads {@code dir/results.jsonl}; a missing file or a line that is not a JSON object is the user's to fix. */
    public static SweepResults read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UserError(dir + " is not a folder; give the sweep's folder (sweeps/NAME), where `pretext sweep` "
                    + "writes " + FILE);
        }
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new UserError(dir + " has no " + FILE + "; run the sweep first (`pretext sweep SWEEP.yaml` writes "
                    + "sweeps/NAME/" + FILE + "), or give the folder that has it");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        List<RunRow> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            JsonNode node;
            try {
                node = READER.readTree(line);
            } catch (IOException e) {
                node = null;
            }
            if (node == null || !node.isObject()) {
                throw new UserError(file + ":" + (i + 1) + ": not a JSON object (one run per line is expected); "
                        + "if the sweep is still writing, wait for it, else remove or repair that line");
            }
            rows.add(new RunRow(i + 1, node));
        }
        return new SweepResults(dir, rows);
    }

    public Path dir() {
        return dir;
    }

    /** The sweep's name: its folder's name. */
    public String name() {
        Path f = dir.toAbsolutePath().normalize().getFileName();
        return f == null ? "sweep" : f.toString();
    }

    public List<RunRow> rows() {
        return rows;
    }

    public List<RunRow> finished() {
        return rows.stream().filter(RunRow::finished).toList();
    }

    /** Every axis some run set, in the order they first appear. */
    public List<String> axes() {
        LinkedHashSet<String> axes = new LinkedHashSet<>();
        for (RunRow r : rows) {
            axes.addAll(r.axes());
        }
        return List.copyOf(axes);
    }

    /** Every probe task some run reports, sorted. */
    public List<String> tasks() {
        TreeSet<String> tasks = new TreeSet<>();
        for (RunRow r : rows) {
            tasks.addAll(r.probes());
        }
        return List.copyOf(tasks);
    }

    /** Whether every value a run gave the axis is a number (a numeric axis is not a category by default). */
    public boolean numericAxis(String axis) {
        for (RunRow r : rows) {
            JsonNode v = r.override(axis);
            // A label without a value (a named entry's variant) is a name, not a number.
            if (v == null ? r.label(axis) != null : !v.isNumber()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The axes compared as categories: the spec's, or every non-numeric axis other than the budget and data
     * axes. Axes the spec names but no run sets are refused.
     */
    public List<String> categories(AnalysisSpec spec) {
        if (spec.categories() != null) {
            List<String> known = axes();
            for (String c : spec.categories()) {
                if (!known.contains(c)) {
                    throw new UserError("analysis.categories names '" + c + "', which no run of " + name() + " sets; "
                            + "the sweep's axes are " + (known.isEmpty() ? "none" : String.join(", ", known)));
                }
            }
            return spec.categories();
        }
        List<String> cats = new ArrayList<>();
        for (String a : axes()) {
            if (!a.equals(spec.budget()) && !a.equals(spec.data()) && !a.equals(spec.size()) && !numericAxis(a)) {
                cats.add(a);
            }
        }
        return cats;
    }

    /**
     * Checks that the metric exists in at least one run (else names the ones that do).
     */
    public void checkMetric(String metric) {
        for (RunRow r : rows) {
            if (r.measure(metric) != null) {
                return;
            }
        }
        if (finished().isEmpty()) {
            return;
        }
        List<String> known = new ArrayList<>();
        List<String> candidates = new ArrayList<>(List.of(AnalysisSpec.SCORE, AnalysisSpec.FINAL_LOSS));
        candidates.addAll(tasks());
        for (String c : candidates) {
            if (rows.stream().anyMatch(r -> r.measure(c) != null)) {
                known.add(c);
            }
        }
        throw new UserError("analysis.metric '" + metric + "' is in no run of " + dir.resolve(FILE) + "; "
                + (known.isEmpty() ? "no run reports any metric yet" : "the metrics there are " + String.join(", ", known))
                + "; set analysis.metric in the sweep file to one of them");
    }
}
