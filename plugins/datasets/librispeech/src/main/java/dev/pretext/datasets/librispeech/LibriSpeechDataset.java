package dev.pretext.datasets.librispeech;

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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A corpus in LibriSpeech's layout: {@code <root>/<subset>/<speaker>/<chapter>/<speaker>-<chapter>-<utt>.flac},
 * with the chapter's transcripts in {@code <speaker>-<chapter>.trans.txt} ({@code <utterance id> <TEXT>} a line).
 * Ids are the utterance ids ({@code 103-1240-0000}); the speaker label is the speaker id (not the chapter); the
 * text is the transcript line. Subsets are listed in the order configured, files in path order within each.
 * An audio file without a transcript line, in the wrong folder, named outside the pattern, or unreadable is
 * left out and listed by {@link #skipped()}, or refuses the dataset under {@code on_bad_audio: fail}.
 */
public final class LibriSpeechDataset implements Dataset {
    private static final Pattern NAME = Pattern.compile("(\\d+)-(\\d+)-(\\d+)\\.(flac|wav)");
    private static final Pattern AUDIO = Pattern.compile(".*\\.(flac|wav)");

    private final Path root;
    private final List<String> subsets;
    private final AudioReader reader;
    private final BadAudioPolicy policy;
    private final boolean verify;
    private final Lazily<Index> index = new Lazily<>(this::scan);

    /** @param listed the audio files looked at, for the policy's message */
    private record Index(List<Utterance> utterances, List<SkippedFile> skipped, int listed) {
    }

    /** An audio file whose name and folder check out, with its transcript. */
    private record Candidate(Path file, String id, String speaker, String text) {
    }

    @Inject
    public LibriSpeechDataset(LibriSpeechConfig config) {
        this.root = CorpusFiles.folder(config.root(), "root", "the LibriSpeech subsets (train-clean-100, ...)");
        for (String subset : config.subsets()) {
            if (!Files.isDirectory(root.resolve(subset))) {
                throw new IllegalArgumentException("subset '" + subset + "' is not a folder in " + root
                        + "; found: " + String.join(", ", foldersIn(root)));
            }
        }
        this.subsets = config.subsets();
        this.reader = new AudioReader(config.maxAudioSeconds());
        this.policy = BadAudioPolicy.parse(config.onBadAudio());
        this.verify = config.verifyAudio();
    }

    @Override
    public List<Utterance> utterances() throws IOException {
        Index i = index.get();
        // Enforced here, not while listing, so that skipped() still lists the files when the policy refuses.
        policy.enforce(i.skipped(), i.listed(), root + " (subsets " + String.join(", ", subsets) + ")");
        return i.utterances();
    }

    /** Files left out of {@link #utterances()}, sorted by path below the root, each with why. */
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

    private Index scan() throws IOException {
        List<SkippedFile> skipped = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        Map<String, String> ids = new HashMap<>();
        int looked = 0;
        for (String subset : subsets) {
            List<Path> named;
            try (Stream<Path> walk = Files.walk(root.resolve(subset))) {
                named = walk.filter(f -> AUDIO.matcher(f.getFileName().toString().toLowerCase(Locale.ROOT)).matches())
                        .sorted(Comparator.comparing(f -> CorpusFiles.relative(root, f))).toList();
            }
            List<Path> files = new ArrayList<>();
            for (Path f : named) {
                if (Files.isRegularFile(f)) {
                    files.add(f);
                } else if (Files.isSymbolicLink(f)) {
                    // A link loop or a link to nothing is reported, not silently passed over.
                    String problem = CorpusFiles.linkProblem(f);
                    skipped.add(new SkippedFile(CorpusFiles.relative(root, f),
                            problem != null ? problem : "not a regular file"));
                    looked++;
                }
            }
            looked += files.size();
            Map<Path, Map<String, String>> transcripts = new HashMap<>();
            for (Path file : files) {
                String relative = CorpusFiles.relative(root, file);
                String problem = null;
                Candidate c = null;
                Matcher m = NAME.matcher(file.getFileName().toString());
                Path rel = root.resolve(subset).relativize(file);
                if (!m.matches()) {
                    problem = "the name does not follow <speaker>-<chapter>-<utterance>.flac";
                } else if (rel.getNameCount() != 3 || !rel.getName(0).toString().equals(m.group(1))
                        || !rel.getName(1).toString().equals(m.group(2))) {
                    problem = "not in its folder " + subset + "/" + m.group(1) + "/" + m.group(2) + "/";
                } else {
                    String id = m.group(1) + "-" + m.group(2) + "-" + m.group(3);
                    String transcriptName = m.group(1) + "-" + m.group(2) + ".trans.txt";
                    Map<String, String> lines = transcripts.computeIfAbsent(file.getParent(),
                            folder -> readTranscripts(folder.resolve(transcriptName)));
                    String other = ids.get(id);
                    if (lines == null) {
                        problem = "no transcript file " + transcriptName + " beside it";
                    } else if (!lines.containsKey(id)) {
                        problem = "no line for " + id + " in " + transcriptName;
                    } else if (other != null) {
                        problem = "the utterance id " + id + " is also " + other;
                    } else {
                        ids.put(id, relative);
                        c = new Candidate(file, id, m.group(1), lines.get(id));
                    }
                }
                if (problem != null) {
                    skipped.add(new SkippedFile(relative, problem));
                } else {
                    candidates.add(c);
                }
            }
        }
        List<Utterance> utterances = new ArrayList<>();
        List<AudioReader.Checked> checked = reader.check(candidates.stream().map(Candidate::file).toList(), verify);
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            AudioReader.Checked k = checked.get(i);
            if (!k.ok()) {
                skipped.add(new SkippedFile(CorpusFiles.relative(root, c.file()), k.reason()));
                continue;
            }
            utterances.add(new Utterance(c.id(), c.file(), k.info().samplesAt16k() / (double) Waveform.RATE,
                    c.speaker(), c.text(), List.of()));
        }
        skipped.sort(Comparator.naturalOrder());
        return new Index(List.copyOf(utterances), List.copyOf(skipped), looked);
    }

    /** Utterance id to text, or null when the chapter has no readable transcript file. */
    private static Map<String, String> readTranscripts(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Map<String, String> lines = new HashMap<>();
        try {
            for (String line : CorpusFiles.readText(file).split("\\R")) {
                String trimmed = line.strip();
                int space = trimmed.indexOf(' ');
                if (space > 0) {
                    lines.put(trimmed.substring(0, space), trimmed.substring(space + 1).strip().replaceAll("\\s+", " "));
                }
            }
        } catch (IOException e) {
            return null;
        }
        return lines;
    }

    private static List<String> foldersIn(Path root) {
        try (Stream<Path> list = Files.list(root)) {
            List<String> names = list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
            return names.isEmpty() ? List.of("no folders") : names;
        } catch (IOException e) {
            return List.of("(cannot list: " + e.getMessage() + ")");
        }
    }
}
