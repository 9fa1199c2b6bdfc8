package dev.pretext.augmentations.noise;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The usable noise recordings under a folder: 16 kHz mono RIFF/WAVE files of 16-bit PCM or 32-bit float. Only
 * the headers are read up front; each call reads just the stretch it needs, so a folder of hours of noise costs
 * no memory, and nothing is shared between calls but this immutable index.
 */
final class NoiseFiles {
    static final int RATE = 16_000;
    private static final int PCM = 1;
    private static final int FLOAT = 3;
    private static final int EXTENSIBLE = 0xFFFE;

    /** One usable file: where its samples start and how many there are. */
    record Entry(Path path, boolean isFloat, long dataOffset, long frames) {
        int bytesPerSample() {
            return isFloat ? 4 : 2;
        }
    }

    private final Path root;
    private final List<Entry> entries;
    private final List<String> skipped;

    private NoiseFiles(Path root, List<Entry> entries, List<String> skipped) {
        this.root = root;
        this.entries = entries;
        this.skipped = skipped;
    }

    /** Indexes every {@code .wav} under {@code dir}, in path order; fails when none is usable. */
    static NoiseFiles scan(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("dir " + root + (Files.exists(root) ? " is a file" : " does not exist")
                    + ": point dir at a folder of 16 kHz mono WAV noise files");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".wav"))
                    .sorted().collect(Collectors.toList());
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("cannot list the noise folder " + root + ": " + e.getMessage());
        }
        List<Entry> entries = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path file : files) {
            try {
                entries.add(header(file));
            } catch (IOException e) {
                skipped.add(root.relativize(file) + ": " + e.getMessage());
            }
        }
        if (entries.isEmpty()) {
            String why = files.isEmpty() ? "it holds no .wav file"
                    : "none of its " + files.size() + " .wav files is usable (" + String.join("; ",
                    skipped.subList(0, Math.min(5, skipped.size()))) + (skipped.size() > 5 ? "; ..." : "") + ")";
            throw new IllegalArgumentException("dir " + root + " has no usable noise file: " + why
                    + ". Noise files must be 16 kHz mono WAV, 16-bit PCM or 32-bit float");
        }
        return new NoiseFiles(root, List.copyOf(entries), List.copyOf(skipped));
    }

    List<Entry> entries() {
        return entries;
    }

    /** Files left out, each as {@code relative/path.wav: reason}. */
    List<String> skipped() {
        return skipped;
    }

    /**
     * {@code length} samples of a file drawn uniformly, from an offset drawn uniformly: a crop of a longer file,
     * or a shorter one repeated (starting inside it) until the length is filled.
     */
    double[] segment(RandomGenerator rng, int length) {
        Entry e = entries.get(rng.nextInt(entries.size()));
        double[] out = new double[length];
        try (FileChannel ch = FileChannel.open(e.path(), StandardOpenOption.READ)) {
            if (e.frames() >= length) {
                long offset = rng.nextLong(e.frames() - length + 1);
                read(ch, e, offset, out, 0, length);
            } else {
                int frames = (int) e.frames();
                double[] whole = new double[frames];
                read(ch, e, 0, whole, 0, frames);
                int offset = rng.nextInt(frames);
                for (int i = 0; i < length; i++) {
                    out[i] = whole[(offset + i) % frames];
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read noise file " + e.path() + " (did it change since the run "
                    + "started?): " + ex.getMessage(), ex);
        }
        return out;
    }

    private static void read(FileChannel ch, Entry e, long offset, double[] out, int at, int count) throws IOException {
        ByteBuffer b = readFully(ch, e.dataOffset() + offset * e.bytesPerSample(), count * e.bytesPerSample());
        if (b == null) {
            throw new IOException("the file ends before its declared data");
        }
        for (int i = 0; i < count; i++) {
            out[at + i] = e.isFloat() ? b.getFloat() : b.getShort() / 32768.0;
        }
    }

    private static Entry header(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer riff = readFully(ch, 0, 12);
            if (riff == null || riff.getInt(0) != 0x46464952 || riff.getInt(8) != 0x45564157) { // "RIFF", "WAVE"
                throw new IOException("not a RIFF/WAVE file");
            }
            ByteBuffer fmt = null;
            long pos = 12;
            while (true) {
                ByteBuffer chunk = readFully(ch, pos, 8);
                if (chunk == null) {
                    throw new IOException(fmt == null ? "no fmt chunk" : "no data chunk");
                }
                int id = chunk.getInt(0);
                long size = Integer.toUnsignedLong(chunk.getInt(4));
                if (id == 0x20746d66) { // "fmt "
                    fmt = readFully(ch, pos + 8, (int) Math.min(size, 40));
                    if (fmt == null || size < 16) {
                        throw new IOException("truncated fmt chunk");
                    }
                } else if (id == 0x61746164) { // "data"
                    if (fmt == null) {
                        throw new IOException("data chunk before the fmt chunk");
                    }
                    long available = ch.size() - (pos + 8);
                    long bytes = size == 0xFFFFFFFFL ? available : Math.min(size, available);
                    return entry(file, fmt, pos + 8, bytes);
                }
                pos += 8 + size + (size & 1); // chunks are padded to even sizes
            }
        }
    }

    private static Entry entry(Path file, ByteBuffer fmt, long dataOffset, long bytes) throws IOException {
        int tag = Short.toUnsignedInt(fmt.getShort(0));
        int channels = Short.toUnsignedInt(fmt.getShort(2));
        int rate = fmt.getInt(4);
        int bits = Short.toUnsignedInt(fmt.getShort(14));
        if (tag == EXTENSIBLE && fmt.limit() >= 26) {
            tag = Short.toUnsignedInt(fmt.getShort(24)); // the sub-format GUID starts with the plain tag
        }
        if (channels != 1) {
            throw new IOException(channels + " channels (need mono)");
        }
        if (rate != RATE) {
            throw new IOException(rate + " Hz (need " + RATE + " Hz)");
        }
        boolean isFloat = tag == FLOAT && bits == 32;
        if (!isFloat && !(tag == PCM && bits == 16)) {
            throw new IOException((tag == FLOAT ? "float" : tag == PCM ? "PCM" : "format tag " + tag) + " with "
                    + bits + " bits (need 16-bit PCM or 32-bit float)");
        }
        long frames = bytes / (isFloat ? 4 : 2);
        if (frames == 0) {
            throw new IOException("no samples");
        }
        if (frames > Integer.MAX_VALUE - 8) {
            throw new IOException("too long (" + frames + " samples): split it into shorter files");
        }
        return new Entry(file, isFloat, dataOffset, frames);
    }

    /** Exactly {@code length} little-endian bytes at {@code position}, or null when the file ends first. */
    private static ByteBuffer readFully(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                return null;
            }
        }
        return b.flip();
    }
}
