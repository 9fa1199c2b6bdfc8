package dev.pretext.datasets.wavdir;

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
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every {@code .wav} and {@code .flac} file under {@code root}, recursively, in the order of their paths. Ids are
 * the paths relative to the root without the extension ({@code spk1/utt3}); a {@code .txt} file with the same
 * stem next to the audio is its transcript. The format is read from the content, not the name; audio is
 * downmixed to mono and resampled to 16 kHz. Symbolic links to files and folders are followed. Files that cannot
 * be used (empty, truncated, corrupt, unsupported encoding, NaN samples, too long or too short, a link loop or a
 * link to nothing) are left out and listed with the reason by {@link #skipped()}, or refuse the whole dataset
 * under {@code on_bad_audio: fail}.
 */
public final class WavdirDataset implements Dataset {
    private static final List<String> EXTENSIONS = List.of(".wav", ".flac");

    private final Path root;
    private final String speakerFrom;
    private final AudioReader reader;
    private final BadAudioPolicy policy;
    private final boolean verify;
    private final Lazily<Index> index = new Lazily<>(this::scan);

    /** @param listed the audio files looked at, for the policy's message */
    private record Index(List<Utterance> utterances, List<SkippedFile> skipped, int listed) {
    }

    @Inject
    public WavdirDataset(WavdirConfig config) {
        this.root = CorpusFiles.folder(config.root(), "root", "the .wav or .flac files");
        this.speakerFrom = config.speakerFrom();
        this.reader = new AudioReader(config.maxAudioSeconds());
        this.policy = BadAudioPolicy.parse(config.onBadAudio());
        this.verify = config.verifyAudio();
    }

    public Path root() {
        return root;
    }

    @Override
    public List<Utterance> utterances() throws IOException {
        Index i = index.get();
        // Enforced here, not while listing, so that skipped() still lists the files when the policy refuses.
        policy.enforce(i.skipped(), i.listed(), root.toString());
        return i.utterances();
    }

    /** Files left out of {@link #utterances()}, sorted by path, each with why. */
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
        List<Path> files = new ArrayList<>();
        List<SkippedFile> skipped = new ArrayList<>();
        int[] unusable = {0};
        // Links are followed (corpora are often folders of links); a link that leads nowhere is reported.
        Files.walkFileTree(root, Set.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (extension(file) == null) {
                    return FileVisitResult.CONTINUE;
                }
                if (attributes.isRegularFile()) {
                    files.add(file);
                    return FileVisitResult.CONTINUE;
                }
                // The walker hands over the link's own attributes when its target cannot be read.
                String problem = CorpusFiles.linkProblem(file);
                skipped.add(new SkippedFile(CorpusFiles.relative(root, file),
                        problem != null ? problem : "not a regular file"));
                unusable[0]++;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (file.equals(root)) {
                    throw e;
                }
                // An unreadable sub-folder or file costs its own entries, not the listing.
                skipped.add(new SkippedFile(CorpusFiles.relative(root, file), e instanceof FileSystemLoopException
                        ? "a symbolic link loop: this folder links back to a folder above it; remove the link"
                        : e instanceof AccessDeniedException ? "cannot open: permission denied"
                        : "unreadable (" + e.getClass().getSimpleName() + ")"));
                unusable[0]++;
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(Comparator.comparing(f -> CorpusFiles.relative(root, f)));
        List<Utterance> utterances = new ArrayList<>();
        Map<String, String> ids = new HashMap<>();
        for (AudioReader.Checked c : reader.check(files, verify)) {
            String relative = CorpusFiles.relative(root, c.file());
            if (!c.ok()) {
                skipped.add(new SkippedFile(relative, c.reason()));
                continue;
            }
            String id = relative.substring(0, relative.length() - extension(c.file()).length());
            String other = ids.putIfAbsent(id, relative);
            if (other != null) {
                skipped.add(new SkippedFile(relative, "same id '" + id + "' as " + other + ": keep one of the two"));
                continue;
            }
            utterances.add(new Utterance(id, c.file(), c.info().samplesAt16k() / (double) Waveform.RATE,
                    speaker(c.file()), transcript(c.file()), List.of()));
        }
        skipped.sort(Comparator.naturalOrder());
        return new Index(List.copyOf(utterances), List.copyOf(skipped), files.size() + unusable[0]);
    }

    /** The audio extension of the file's name as it is written, or null. */
    private static String extension(Path file) {
        Path name = file.getFileName();
        String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        for (String e : EXTENSIONS) {
            if (lower.endsWith(e)) {
                return name.toString().substring(lower.length() - e.length());
            }
        }
        return null;
    }

    private String speaker(Path file) {
        switch (speakerFrom) {
            case WavdirConfig.PARENT -> {
                // The folder holding the file; files directly in the root have no speaker.
                Path parent = file.getParent();
                return parent.equals(root) ? null : parent.getFileName().toString();
            }
            case WavdirConfig.LIBRISPEECH -> {
                String name = file.getFileName().toString();
                int dash = name.indexOf('-');
                return dash > 0 ? name.substring(0, dash) : null;
            }
            default -> {
                return null;
            }
        }
    }

    private static String transcript(Path audio) {
        String name = audio.getFileName().toString();
        Path txt = audio.resolveSibling(name.substring(0, name.length() - extension(audio).length()) + ".txt");
        if (!Files.isRegularFile(txt)) {
            return null;
        }
        try {
            String text = CorpusFiles.readText(txt).strip().replaceAll("\\s+", " ");
            return text.isEmpty() ? null : text;
        } catch (IOException e) {
            return null;
        }
    }
}
