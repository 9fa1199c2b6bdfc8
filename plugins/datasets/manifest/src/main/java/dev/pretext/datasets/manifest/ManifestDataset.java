package dev.pretext.datasets.manifest;

import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Dataset;
import dev.pretext.api.data.Utterance;
import dev.pretext.datasets.audio.AudioReader;
import dev.pretext.datasets.audio.BadAudioPolicy;
import dev.pretext.datasets.audio.CorpusFiles;
import dev.pretext.datasets.audio.Lazily;
import dev.pretext.api.data.SkippedFile;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fairseq-style manifest ({@code train.tsv}): the first line is the audio root folder (absolute, or relative to
 * the manifest's folder), every further line {@code relative/path<TAB>num_samples}. Label files with the same
 * stem beside it are read when present, line i labelling audio line i:
 * <ul>
 *   <li>{@code train.wrd}: words, the utterance's text;</li>
 *   <li>{@code train.ltr}: letters with {@code |} between words ({@code H E L L O | W O R L D |}), the text when
 *       there is no {@code .wrd};</li>
 *   <li>{@code train.phn}: phones, untimed, by {@link #phoneLabels};</li>
 *   <li>{@code train.km}: cluster ids (k-means targets, HuBERT-style), by {@link #clusters}.</li>
 * </ul>
 * Utterances keep the manifest's order; ids are the relative paths without extension. Audio is WAV or FLAC (by
 * content), downmixed and resampled to 16 kHz; the sample column is not trusted for durations, the file's
 * header is. Unusable lines (a path leaving the root, by its text or through a symbolic link, a link loop, a
 * missing or broken file, a malformed line) are left out and listed by {@link #skipped()}, or refuse the dataset
 * under {@code on_bad_audio: fail}.
 */
public final class ManifestDataset implements Dataset {
    private final Path tsv;
    private final Pattern speakerPattern;
    private final AudioReader reader;
    private final BadAudioPolicy policy;
    private final boolean verify;
    private final Lazily<Index> index = new Lazily<>(this::scan);

    /**
     * @param line for each utterance id, its line among the manifest's audio lines (0 = the first after the root)
     */
    private record Index(Path root, List<Utterance> utterances, List<SkippedFile> skipped, Map<String, Integer> line,
                         LabelFile phones, LabelFile clusters, int listed) {
    }

    @Inject
    public ManifestDataset(ManifestConfig config) {
        this.tsv = CorpusFiles.file(config.tsv(), "tsv", "the manifest file (e.g. train.tsv)");
        this.speakerPattern = config.speakerPattern() == null ? null : Pattern.compile(config.speakerPattern());
        this.reader = new AudioReader(config.maxAudioSeconds());
        this.policy = BadAudioPolicy.parse(config.onBadAudio());
        this.verify = config.verifyAudio();
    }

    @Override
    public List<Utterance> utterances() throws IOException {
        Index i = index.get();
        // Enforced here, not while listing, so that skipped() still lists the lines when the policy refuses.
        policy.enforce(i.skipped(), i.listed(), tsv.toString());
        return i.utterances();
    }

    /** Manifest lines left out of {@link #utterances()}, sorted by path, each with why. */
    public List<SkippedFile> skipped() {
        try {
            return index.get().skipped();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Waveform audio(Utterance utterance) throws IOException {
        return reader.read(utterance.audio());
    }

    /** The audio root the manifest names. */
    public Path root() throws IOException {
        return index.get().root();
    }

    /** Whether a {@code .km} file lies beside the manifest. */
    public boolean hasClusters() throws IOException {
        return index.get().clusters() != null;
    }

    /**
     * The utterance's cluster ids from the {@code .km} file (one per label frame, e.g. 50 or 100 a second).
     *
     * @throws IllegalStateException when there is no {@code .km} file ({@link #hasClusters()})
     * @throws IOException           when the line holds something other than whitespace-separated integers
     */
    public int[] clusters(Utterance utterance) throws IOException {
        Index i = index.get();
        String line = labelLine(i, i.clusters(), ".km", utterance);
        String[] fields = line.isBlank() ? new String[0] : line.strip().split("\\s+");
        int[] ids = new int[fields.length];
        for (int k = 0; k < fields.length; k++) {
            try {
                ids[k] = Integer.parseInt(fields[k]);
            } catch (NumberFormatException e) {
                throw new IOException(i.clusters().file() + " line " + (i.line().get(utterance.id()) + 1) + ": '"
                        + fields[k] + "' is not a cluster id (the .km file must hold integers)");
            }
            if (ids[k] < 0) {
                throw new IOException(i.clusters().file() + " line " + (i.line().get(utterance.id()) + 1)
                        + ": negative cluster id " + ids[k]);
            }
        }
        return ids;
    }

    /** Whether a {@code .phn} file lies beside the manifest. */
    public boolean hasPhoneLabels() throws IOException {
        return index.get().phones() != null;
    }

    /** The utterance's phones from the {@code .phn} file, in order, without times. */
    public List<String> phoneLabels(Utterance utterance) throws IOException {
        Index i = index.get();
        String line = labelLine(i, i.phones(), ".phn", utterance);
        return line.isBlank() ? List.of() : List.of(line.strip().split("\\s+"));
    }

    private String labelLine(Index i, LabelFile labels, String extension, Utterance utterance) throws IOException {
        if (labels == null) {
            throw new IllegalStateException("there is no " + extension + " file beside " + tsv);
        }
        Integer line = i.line().get(utterance.id());
        if (line == null) {
            throw new IllegalArgumentException("utterance " + utterance.id() + " is not in " + tsv);
        }
        return labels.line(line);
    }

    private Index scan() throws IOException {
        List<String> lines = lines(tsv);
        if (lines.isEmpty() || lines.get(0).isBlank()) {
            throw new IllegalArgumentException(tsv + " is empty: its first line must be the audio root folder");
        }
        Path root = root(lines.get(0).strip());
        Path realRoot = CorpusFiles.real(root);
        List<String> entries = lines.subList(1, lines.size());
        String[] texts = texts(entries.size());
        LabelFile phones = labels(".phn", entries.size());
        LabelFile clusters = labels(".km", entries.size());

        List<SkippedFile> skipped = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> fileLines = new ArrayList<>();
        Map<String, Integer> lineOf = new HashMap<>();
        for (int n = 0; n < entries.size(); n++) {
            String entry = entries.get(n);
            String where = "line " + (n + 2);
            String[] fields = entry.split("\t");
            if (entry.isBlank()) {
                skipped.add(new SkippedFile(where, "empty line"));
                continue;
            }
            if (fields.length < 2 || !fields[1].strip().matches("\\d+")) {
                // The line's shape, not its text: a manifest named by mistake may be any file.
                skipped.add(new SkippedFile(where, "expected relative/path<TAB>num_samples, got "
                        + (fields.length < 2 ? "no tab" : "a second field that is not a whole number")));
                continue;
            }
            Path file;
            try {
                file = root.resolve(fields[0]).normalize();
            } catch (InvalidPathException e) {
                skipped.add(new SkippedFile(fields[0], "not a valid path: " + e.getReason()));
                continue;
            }
            if (!file.startsWith(root) || file.equals(root)) {
                skipped.add(new SkippedFile(fields[0], "the path leaves the root folder " + root
                        + " (manifest paths must be relative and stay inside it)"));
                continue;
            }
            String relative = CorpusFiles.relative(root, file);
            // The text stays inside; where links lead must too (the real paths, not the path text).
            String link = CorpusFiles.linkProblem(file);
            if (link != null) {
                skipped.add(new SkippedFile(relative, link));
                continue;
            }
            Path outside = CorpusFiles.outside(realRoot, file);
            if (outside != null) {
                // The link may be the file or one of its folders.
                skipped.add(new SkippedFile(relative, "leads through a symbolic link to " + outside + ", outside the "
                        + "root folder " + root + " (manifest paths must stay inside it): copy the file into the "
                        + "root or remove the line"));
                continue;
            }
            String id = stripExtension(relative);
            Integer other = lineOf.putIfAbsent(id, n);
            if (other != null) {
                skipped.add(new SkippedFile(relative, "listed again on " + where + " (first on line " + (other + 2) + ")"));
                continue;
            }
            files.add(file);
            fileLines.add(n);
        }
        List<Utterance> utterances = new ArrayList<>();
        List<AudioReader.Checked> checked = reader.check(files, verify);
        for (int k = 0; k < files.size(); k++) {
            AudioReader.Checked c = checked.get(k);
            String relative = CorpusFiles.relative(root, c.file());
            String id = stripExtension(relative);
            if (!c.ok()) {
                skipped.add(new SkippedFile(relative, c.reason()));
                lineOf.remove(id);
                continue;
            }
            utterances.add(new Utterance(id, c.file(), c.info().samplesAt16k() / (double) Waveform.RATE,
                    speaker(relative), texts[fileLines.get(k)], List.of()));
        }
        skipped.sort(Comparator.naturalOrder());
        return new Index(root, List.copyOf(utterances), List.copyOf(skipped), Map.copyOf(lineOf), phones, clusters,
                entries.size());
    }

    private Path root(String first) {
        Path root;
        try {
            root = tsv.getParent().resolve(first).normalize(); // an absolute first line stays as it is
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(tsv + " line 1: '" + first + "' is not a valid folder path");
        }
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException(tsv + " line 1 names the audio root " + root
                    + ", which is not a folder: fix the first line of the manifest");
        }
        return root;
    }

    /** Text per audio line: words from .wrd, else letters from .ltr; null where there is none. */
    private String[] texts(int count) throws IOException {
        String[] texts = new String[count];
        Path wrd = sibling(".wrd");
        Path ltr = sibling(".ltr");
        Path source = Files.isRegularFile(wrd) ? wrd : Files.isRegularFile(ltr) ? ltr : null;
        if (source == null) {
            return texts;
        }
        List<String> lines = lines(source);
        checkCount(source, lines.size(), count);
        for (int i = 0; i < count; i++) {
            String line = lines.get(i);
            if (source == ltr) {
                line = line.replace(" ", "").replace('|', ' '); // letters are space-separated, '|' ends a word
            }
            line = line.strip().replaceAll("\\s+", " ");
            texts[i] = line.isEmpty() ? null : line;
        }
        return texts;
    }

    private LabelFile labels(String extension, int count) throws IOException {
        Path file = sibling(extension);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        LabelFile labels = LabelFile.index(file);
        checkCount(file, labels.lines(), count);
        return labels;
    }

    private void checkCount(Path labels, int lines, int count) {
        if (lines != count) {
            throw new IllegalArgumentException(labels + " has " + lines + " lines but " + tsv + " lists " + count
                    + " audio files: label files must match the manifest line by line (regenerate them together)");
        }
    }

    private Path sibling(String extension) {
        String name = tsv.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return tsv.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + extension);
    }

    private String speaker(String relative) {
        if (speakerPattern == null) {
            return null;
        }
        Matcher m = speakerPattern.matcher(relative);
        if (!m.find()) {
            return null;
        }
        String s = m.groupCount() >= 1 ? m.group(1) : m.group();
        return s == null || s.isBlank() ? null : s;
    }

    /** The file's lines; a final line ending does not start another line. */
    private static List<String> lines(Path file) throws IOException {
        String text = CorpusFiles.readText(file);
        if (text.isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\\r?\\n", -1)));
        if (text.endsWith("\n")) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    private static String stripExtension(String relative) {
        int slash = relative.lastIndexOf('/');
        int dot = relative.lastIndexOf('.');
        return dot > slash + 1 ? relative.substring(0, dot) : relative;
    }
}
