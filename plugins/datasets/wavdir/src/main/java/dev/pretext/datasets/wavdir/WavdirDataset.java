package dev.pretext.datasets.wavdir;

import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Dataset;
import dev.pretext.api.data.Utterance;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every {@code .wav} file under {@code root}, recursively, in the order of their paths. Ids are the paths
 * relative to the root without the extension ({@code spk1/utt3}); a {@code .txt} file with the same stem next
 * to the audio is its transcript. Audio is downmixed to mono and resampled to 16 kHz ({@link Resampler}).
 * Files that cannot be used (empty, truncated, not WAV, unsupported encoding) are left out and listed with the
 * reason by {@link #skipped()}.
 */
public final class WavdirDataset implements Dataset {
    private final Path root;
    private final boolean speakerFromParent;
    private volatile Index index;

    private record Index(List<Utterance> utterances, Map<Path, WavFile.Header> headers, List<String> skipped) {
    }

    @Inject
    public WavdirDataset(WavdirConfig config) {
        try {
            this.root = Path.of(config.root()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("root '" + config.root() + "' is not a valid folder path: " + e.getReason());
        }
        if (!Files.exists(root)) {
            throw new IllegalArgumentException("root folder " + root + " does not exist: point root at the folder holding the .wav files");
        }
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("root " + root + " is a file, not a folder: point root at the folder holding the .wav files");
        }
        this.speakerFromParent = config.speakerFrom().equals(WavdirConfig.PARENT);
    }

    public Path root() {
        return root;
    }

    @Override
    public List<Utterance> utterances() throws IOException {
        return index().utterances();
    }

    /** Files left out of {@link #utterances()}, each as {@code relative/path.wav: reason}. */
    public List<String> skipped() {
        try {
            return index().skipped();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Waveform audio(Utterance utterance) throws IOException {
        Path file = utterance.audio();
        WavFile.Header header = index().headers().get(file);
        try {
            if (header == null) {
                header = WavFile.readHeader(file);
            }
            float[] mono = WavFile.readMono(file, header);
            return new Waveform(Resampler.resample(mono, header.sampleRate(), Waveform.RATE), Waveform.RATE);
        } catch (WavFile.BadWavException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private Index index() throws IOException {
        Index i = index;
        if (i == null) {
            synchronized (this) {
                i = index;
                if (i == null) {
                    i = scan();
                    index = i;
                }
            }
        }
        return i;
    }

    private Index scan() throws IOException {
        List<Path> files = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile() && isWav(file)) {
                    files.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (file.equals(root)) {
                    throw e;
                }
                // An unreadable sub-folder or file costs its own entries, not the listing.
                skipped.add(relative(file) + ": unreadable (" + e + ")");
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(Comparator.comparing(this::relative));
        List<Utterance> utterances = new ArrayList<>();
        Map<Path, WavFile.Header> headers = new HashMap<>();
        for (Path file : files) {
            String relative = relative(file);
            WavFile.Header header;
            try {
                header = WavFile.readHeader(file);
            } catch (WavFile.BadWavException e) {
                skipped.add(relative + ": " + e.getMessage());
                continue;
            } catch (IOException | RuntimeException e) {
                skipped.add(relative + ": unreadable (" + e + ")");
                continue;
            }
            long samples = Resampler.outputLength(header.frames(), header.sampleRate(), Waveform.RATE);
            String id = relative.substring(0, relative.length() - ".wav".length());
            utterances.add(new Utterance(id, file, samples / (double) Waveform.RATE, speaker(file), transcript(file),
                    List.of()));
            headers.put(file, header);
        }
        skipped.sort(Comparator.naturalOrder());
        return new Index(List.copyOf(utterances), Map.copyOf(headers), List.copyOf(skipped));
    }

    private static boolean isWav(Path file) {
        Path name = file.getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".wav");
    }

    /** The path below the root with '/' separators, the same on every OS. */
    private String relative(Path file) {
        StringBuilder s = new StringBuilder();
        for (Path part : root.relativize(file)) {
            if (s.length() > 0) {
                s.append('/');
            }
            s.append(part);
        }
        return s.toString();
    }

    /** The folder holding the file; files directly in the root have no speaker. */
    private String speaker(Path file) {
        Path parent = file.getParent();
        return speakerFromParent && !parent.equals(root) ? parent.getFileName().toString() : null;
    }

    private static String transcript(Path wav) {
        String name = wav.getFileName().toString();
        Path txt = wav.resolveSibling(name.substring(0, name.length() - ".wav".length()) + ".txt");
        if (!Files.isRegularFile(txt)) {
            return null;
        }
        try {
            byte[] bytes = Files.readAllBytes(txt);
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                text = new String(bytes, StandardCharsets.ISO_8859_1); // older tools write Latin-1
            }
            text = text.strip().replaceAll("\\s+", " ");
            return text.isEmpty() ? null : text;
        } catch (IOException e) {
            return null;
        }
    }
}
