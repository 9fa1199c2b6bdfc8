package dev.pretext.datasets.tts;

import dev.pretext.api.data.PhoneSegment;

import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The corpus index, {@code manifest.tsv}: a header line, then one line per utterance with the columns
 * {@code id, path (relative to the corpus folder), seconds, speaker, kind (keyword|sentence), text, phones};
 * phones are space-separated {@code phone:start:end} in seconds.
 */
final class Manifest {
    static final String FILE = "manifest.tsv";
    static final String HEADER = "id\tpath\tseconds\tspeaker\tkind\ttext\tphones";

    private Manifest() {
    }

    record Entry(String id, String path, int samples, String speaker, String kind, String text,
                 List<PhoneSegment> phones) {
        double seconds() {
            return samples / (double) KevinSynthesizer.SAMPLE_RATE;
        }
    }

    static String line(Entry e) {
        StringBuilder phones = new StringBuilder();
        for (PhoneSegment p : e.phones()) {
            if (phones.length() > 0) {
                phones.append(' ');
            }
            phones.append(p.phone()).append(':').append(time(p.start())).append(':').append(time(p.end()));
        }
        // Exact: a whole number of samples at 16 kHz has at most seven decimals.
        String seconds = BigDecimal.valueOf(e.samples()).divide(BigDecimal.valueOf(KevinSynthesizer.SAMPLE_RATE))
                .toPlainString();
        return String.join("\t", e.id(), e.path(), seconds, e.speaker(), e.kind(), e.text(), phones);
    }

    private static String time(double seconds) {
        return String.format(Locale.ROOT, "%.5f", seconds);
    }

    static void write(Path file, List<Entry> entries) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(HEADER);
            w.write('\n');
            for (Entry e : entries) {
                w.write(line(e));
                w.write('\n');
            }
        }
    }

    static List<Entry> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(file + " does not start with the header \"" + HEADER.replace('\t', ' ') + "\"");
        }
        List<Entry> entries = new ArrayList<>(lines.size() - 1);
        for (int n = 1; n < lines.size(); n++) {
            String[] f = lines.get(n).split("\t", -1);
            if (f.length != 7) {
                throw new IOException(file + " line " + (n + 1) + " has " + f.length + " columns, expected 7");
            }
            try {
                int samples = new BigDecimal(f[2]).multiply(BigDecimal.valueOf(KevinSynthesizer.SAMPLE_RATE))
                        .intValueExact();
                List<PhoneSegment> phones = new ArrayList<>();
                for (String p : f[6].split(" ")) {
                    String[] q = p.split(":");
                    phones.add(new PhoneSegment(q[0], Double.parseDouble(q[1]), Double.parseDouble(q[2])));
                }
                entries.add(new Entry(f[0], f[1], samples, f[3], f[4], f[5], phones));
            } catch (RuntimeException e) {
                throw new IOException(file + " line " + (n + 1) + " is malformed: " + e.getMessage(), e);
            }
        }
        return entries;
    }
}
