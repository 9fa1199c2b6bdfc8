package dev.pretext.objectives.hubert.targets;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A targets folder, as the targets stage writes it and the hubert objective reads it:
 * <ul>
 *   <li>{@code labels.km}: fairseq's format, one line per utterance, its frame labels separated by spaces;</li>
 *   <li>{@code utterances.tsv}: the utterance ids in the order of labels.km, tab, their label count;</li>
 *   <li>{@code centroids.f32}: {@code "KMC1"}, int32 k, int32 dim, then k * dim float32 (little-endian), to label
 *       further audio with the same clusters;</li>
 *   <li>{@code targets.json}: {@link TargetsInfo}; written last, so a folder without it is unfinished.</li>
 * </ul>
 *
 * @param labels utterance id to frame labels, in file order
 */
public record Targets(Path dir, TargetsInfo info, Map<String, int[]> labels) {
    public static final String FORMAT = "pretext-targets/1";
    public static final String INFO = "targets.json";
    public static final String LABELS = "labels.km";
    public static final String UTTERANCES = "utterances.tsv";
    public static final String CENTROIDS = "centroids.f32";

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public Targets {
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /**
     * Reads a folder the targets stage wrote.
     *
     * @throws IllegalArgumentException with what is missing or inconsistent, and how to make the folder
     */
    public static Targets read(Path dir) {
        Path info = dir.resolve(INFO);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("targets folder " + dir + " does not exist; make it with "
                    + "`pretext targets <recipe>` (the recipe's clusters), or let `pretext train` make it");
        }
        if (!Files.isRegularFile(info)) {
            throw new IllegalArgumentException("targets folder " + dir + " has no " + INFO + " (the targets stage "
                    + "writes it last: the folder is unfinished or not a targets folder); run `pretext targets` again");
        }
        try {
            TargetsInfo meta = JSON.readValue(info.toFile(), TargetsInfo.class);
            if (!FORMAT.equals(meta.format())) {
                throw new IllegalArgumentException(info + " has format '" + meta.format() + "', this plugin reads '"
                        + FORMAT + "'");
            }
            List<String> ids = new ArrayList<>();
            List<Integer> counts = new ArrayList<>();
            int lineNo = 0;
            for (String line : Files.readAllLines(dir.resolve(UTTERANCES))) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split("\t");
                if (parts.length != 2) {
                    throw new IllegalArgumentException(dir.resolve(UTTERANCES) + " line " + lineNo
                            + ": expected 'id<TAB>frames', got '" + line + "'");
                }
                ids.add(parts[0]);
                counts.add(Integer.parseInt(parts[1].trim()));
            }
            Map<String, int[]> labels = new LinkedHashMap<>();
            try (BufferedReader r = Files.newBufferedReader(dir.resolve(LABELS))) {
                for (int i = 0; i < ids.size(); i++) {
                    String line = r.readLine();
                    if (line == null) {
                        throw new IllegalArgumentException(dir.resolve(LABELS) + " has " + i + " lines but "
                                + UTTERANCES + " lists " + ids.size() + " utterances");
                    }
                    int[] row = parseLine(line);
                    if (row.length != counts.get(i)) {
                        throw new IllegalArgumentException(dir.resolve(LABELS) + " line " + (i + 1) + " (utterance "
                                + ids.get(i) + ") has " + row.length + " labels, " + UTTERANCES + " says "
                                + counts.get(i));
                    }
                    if (labels.put(ids.get(i), row) != null) {
                        throw new IllegalArgumentException(dir.resolve(UTTERANCES) + " lists utterance " + ids.get(i)
                                + " twice");
                    }
                }
                if (r.readLine() != null) {
                    throw new IllegalArgumentException(dir.resolve(LABELS) + " has more lines than the "
                            + ids.size() + " utterances of " + UTTERANCES);
                }
            }
            return new Targets(dir, meta, labels);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("targets folder " + dir + " holds a label that is not an integer: "
                    + e.getMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read targets folder " + dir + ": " + e.getMessage()
                    + "; run `pretext targets` again");
        }
    }

    /** Space-separated non-negative integers (fairseq's .km line). */
    static int[] parseLine(String line) {
        String trimmed = line.trim();
        if (trimmed.isEmpty()) {
            return new int[0];
        }
        String[] parts = trimmed.split(" +");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Integer.parseInt(parts[i]);
        }
        return out;
    }

    /** One .km line: the labels separated by single spaces. */
    static String formatLine(int[] labels) {
        StringBuilder sb = new StringBuilder(labels.length * 3);
        for (int i = 0; i < labels.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(labels[i]);
        }
        return sb.toString();
    }

    static void writeCentroids(Path file, Centroids c) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(12 + 4 * c.k() * c.dim()).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(new byte[]{'K', 'M', 'C', '1'}).putInt(c.k()).putInt(c.dim());
        for (float v : c.values()) {
            buf.putFloat(v);
        }
        Files.write(file, buf.array());
    }

    /** The centroids saved beside the labels. */
    public Centroids centroids() {
        return readCentroids(dir.resolve(CENTROIDS));
    }

    public static Centroids readCentroids(Path file) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            byte[] magic = new byte[4];
            buf.get(magic);
            if (!"KMC1".equals(new String(magic, java.nio.charset.StandardCharsets.US_ASCII))) {
                throw new IllegalArgumentException(file + " is not a centroids file (no KMC1 header)");
            }
            int k = buf.getInt();
            int dim = buf.getInt();
            float[] values = new float[k * dim];
            buf.asFloatBuffer().get(values);
            return new Centroids(values, k, dim);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read centroids " + file + ": " + e.getMessage());
        }
    }
}
