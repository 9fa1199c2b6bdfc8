package dev.pretext.core.data;

import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.PhoneSegment;
import dev.pretext.api.data.Utterance;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes a corpus's train, valid and test parts as fairseq manifests with their label files, so the corpus can
 * be read back by the {@code manifest} dataset or by fairseq and s3prl unchanged. The parts are the ones a
 * recipe's {@code split: {by: ..., part: ...}} selects with the same seed, shares and split key.
 *
 * <p>Per part: {@code <part>.tsv} (the root folder on the first line, then relative path and sample count at
 * 16 kHz), {@code <part>.wrd} (the words), {@code <part>.ltr} (upper-case letters, {@code |} after each word)
 * and {@code <part>.phn} (the phones without silences); label files only when every utterance has the label.
 */
public final class SplitManifests {
    private SplitManifests() {
    }

    /** What one part holds. */
    public record Part(String name, int utterances, double seconds, int speakers) {
    }

    /**
     * Writes fairseq's {@code train.tsv}, {@code valid.tsv} and {@code test.tsv} for a corpus divided by speaker or
     * by utterance.
     *
     * @param root  the folder the audio paths are written relative to; every audio file must lie under it
     * @param by    "speaker" or "utterance": what no two parts share
     * @return the three parts in order train, valid, test; a part may be empty (too few speakers)
     */
    public static List<Part> write(Path dir, Path root, List<Utterance> utterances, String by, List<Double> shares,
                                   long seed) throws IOException {
        Files.createDirectories(dir);
        Path base = root.toAbsolutePath().normalize();
        boolean words = utterances.stream().allMatch(u -> u.text() != null && !u.text().isBlank());
        boolean phones = utterances.stream().allMatch(Utterance::hasPhones);
        List<Part> parts = new ArrayList<>();
        for (String name : DataSelection.Split.PARTS) {
            List<Utterance> part;
            try {
                part = new DataSelection(null, new DataSelection.Split(by, name, shares)).apply(utterances, seed);
            } catch (IllegalArgumentException empty) {
                part = List.of();
            }
            try (BufferedWriter tsv = open(dir.resolve(name + ".tsv"));
                 BufferedWriter wrd = words ? open(dir.resolve(name + ".wrd")) : null;
                 BufferedWriter ltr = words ? open(dir.resolve(name + ".ltr")) : null;
                 BufferedWriter phn = phones ? open(dir.resolve(name + ".phn")) : null) {
                tsv.write(base + "\n");
                double seconds = 0;
                Set<String> speakers = new HashSet<>();
                for (Utterance u : part) {
                    Path audio = u.audio().toAbsolutePath().normalize();
                    if (!audio.startsWith(base)) {
                        throw new IllegalArgumentException("utterance " + u.id() + " (" + audio + ") is outside "
                                + base + "; manifests hold paths relative to one root");
                    }
                    tsv.write(base.relativize(audio).toString().replace('\\', '/') + "\t"
                            + Math.round(u.seconds() * Waveform.RATE) + "\n");
                    if (words) {
                        wrd.write(u.text().trim() + "\n");
                        ltr.write(letters(u.text()) + "\n");
                    }
                    if (phones) {
                        phn.write(phoneString(u.phones()) + "\n");
                    }
                    seconds += u.seconds();
                    if (u.hasSpeaker()) {
                        speakers.add(u.speaker());
                    }
                }
                parts.add(new Part(name, part.size(), seconds, speakers.size()));
            }
        }
        return parts;
    }

    /** fairseq's letter targets: {@code "HELLO WORLD"} becomes {@code "H E L L O | W O R L D |"}. */
    static String letters(String text) {
        StringBuilder sb = new StringBuilder();
        for (String word : text.trim().toUpperCase(Locale.ROOT).split("\\s+", -1)) {
            for (int i = 0; i < word.length(); i++) {
                sb.append(word.charAt(i)).append(' ');
            }
            sb.append("| ");
        }
        return sb.toString().trim();
    }

    private static String phoneString(List<PhoneSegment> phones) {
        List<String> labels = new ArrayList<>();
        for (PhoneSegment p : phones) {
            if (!p.phone().equals("sil")) {
                labels.add(p.phone());
            }
        }
        return String.join(" ", labels);
    }

    private static BufferedWriter open(Path file) throws IOException {
        return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }
}
