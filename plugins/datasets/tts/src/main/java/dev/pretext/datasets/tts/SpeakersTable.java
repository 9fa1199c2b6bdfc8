package dev.pretext.datasets.tts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A corpus's {@code speakers.tsv}: a header, then one row per speaker label with its engine, voice, talker and
 * prosody, and how much it speaks in the corpus. The format belongs to this bundle: it is written and read here
 * only (the command line gets what it shows through {@link TtsDataset#summary()}).
 */
record SpeakersTable(List<SpeakersTable.Row> rows) {
    static final String HEADER =
            "speaker\tengine\tvoice\tperson\tpitch_hz\tpitch_range_hz\tduration_stretch\tutterances\tseconds";

    record Row(String speaker, String engine, String voice, String person, int pitchHz, int pitchRangeHz,
               double durationStretch, int utterances, double seconds) {
    }

    SpeakersTable {
        rows = List.copyOf(rows);
    }

    /** Every speaker of {@code speakers}, sorted by label, with its share of {@code entries}. */
    static SpeakersTable of(List<SpeakerVoice> speakers, List<Manifest.Entry> entries) {
        Map<String, double[]> use = new HashMap<>(); // label -> utterances, seconds
        for (Manifest.Entry e : entries) {
            double[] u = use.computeIfAbsent(e.speaker(), k -> new double[2]);
            u[0]++;
            u[1] += e.seconds();
        }
        List<SpeakerVoice> sorted = new ArrayList<>(speakers);
        sorted.sort(Comparator.comparing(SpeakerVoice::label));
        List<Row> rows = new ArrayList<>();
        for (SpeakerVoice v : sorted) {
            double[] u = use.getOrDefault(v.label(), new double[2]);
            rows.add(new Row(v.label(), v.voice().engine(), v.voice().name(), v.voice().person(), v.pitchHz(),
                    v.pitchRangeHz(), v.durationStretch(), (int) u[0], u[1]));
        }
        return new SpeakersTable(rows);
    }

    void write(Path file) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Row r : rows) {
            sb.append(String.join("\t", r.speaker(), r.engine(), r.voice(), r.person(),
                    Integer.toString(r.pitchHz()), Integer.toString(r.pitchRangeHz()),
                    String.format(Locale.ROOT, "%.2f", r.durationStretch()), Integer.toString(r.utterances()),
                    String.format(Locale.ROOT, "%.3f", r.seconds()))).append('\n');
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    static SpeakersTable read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(file + " is not a speakers table (its first line should be: " + HEADER + ")");
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\t", -1);
            if (f.length != 9) {
                throw new IOException(file + ":" + (i + 1) + ": expected 9 tab-separated fields, got " + f.length);
            }
            try {
                rows.add(new Row(f[0], f[1], f[2], f[3], Integer.parseInt(f[4]), Integer.parseInt(f[5]),
                        Double.parseDouble(f[6]), Integer.parseInt(f[7]), Double.parseDouble(f[8])));
            } catch (NumberFormatException e) {
                throw new IOException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new SpeakersTable(rows);
    }

    /** Speakers with at least one utterance, per engine, engines in name order. */
    Map<String, Integer> speakersPerEngine() {
        Map<String, Integer> perEngine = new TreeMap<>();
        for (Row r : rows) {
            if (r.utterances() > 0) {
                perEngine.merge(r.engine(), 1, Integer::sum);
            }
        }
        return perEngine;
    }
}
