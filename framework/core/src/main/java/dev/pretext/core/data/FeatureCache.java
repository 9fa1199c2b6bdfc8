package dev.pretext.core.data;

import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.core.UserError;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;

/**
 * The frontend's raw output (before normalisation) per utterance, on disk under {@code <cache>/features/}, so
 * that it is computed once rather than every epoch. A file's name is the SHA-256 of the decoded audio (its
 * samples and rate, as the dataset delivers them) and of the frontend's identity (type, bundle, version and
 * full config, see {@link #identity}): other audio, another frontend setting or another frontend release is
 * another file, and nothing is ever invalidated by hand.
 *
 * <p>A file holds a header (magic, format, frames, dim), the floats (little-endian, bit for bit) and a CRC-32C
 * of everything before it. Files are written to a temporary name beside their place and renamed, so loader
 * threads that race on one utterance each write a whole file and readers never see half of one; a file that a
 * crash or a full disk left short or damaged fails the length or checksum test and is computed again.
 * Thread-safe; counts nothing itself (the {@link FeaturePipeline} that uses it does).
 */
public final class FeatureCache {
    static final int MAGIC = 0x50584643;    // "PXFC"
    static final int FORMAT = 1;
    static final int HEADER_BYTES = 16;
    static final int TRAILER_BYTES = 4;
    private static final byte[] DOMAIN = "pretext feature cache 1\n".getBytes(StandardCharsets.UTF_8);

    private final Path dir;
    private final String identity;
    private final byte[] identityBytes;

    private FeatureCache(Path dir, String identity) {
        this.dir = dir;
        this.identity = identity;
        this.identityBytes = identity.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Opens the cache in a cache folder, for one frontend.
     *
     * @param cacheDir the run's shared cache folder; features go to its {@code features/} folder
     * @param identity what makes the frontend's output what it is, e.g. from {@link #identity}
     * @throws UserError when the folder cannot be created
     */
    public static FeatureCache open(Path cacheDir, String identity) {
        Path dir = cacheDir.resolve("features");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError("cannot create the feature cache folder " + dir + " (" + e + "); make it writable, "
                    + "point --cache elsewhere, or set data.feature_cache: false");
        }
        return new FeatureCache(dir, identity);
    }

    /**
     * A frontend's identity for cache keys: type, bundle and version, and its bound config with every default
     * filled in (so {@code {bins: 80}} and {} are the same frontend when 80 is the default).
     *
     * @param config the bound config as one line of JSON, as the recipe binder writes it
     */
    public static String identity(String type, String bundle, String version, String config) {
        return "type=" + type + "\nbundle=" + bundle + "\nversion=" + version + "\nconfig=" + config;
    }

    public Path dir() {
        return dir;
    }

    public String identity() {
        return identity;
    }

    /** The key of this audio under this cache's frontend: 64 hex digits. */
    public String key(Waveform audio) {
        MessageDigest sha = sha256();
        sha.update(DOMAIN);
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(identityBytes.length);
        buf.flip();
        sha.update(buf);
        sha.update(identityBytes);
        buf.clear();
        buf.putInt(audio.sampleRate()).putInt(audio.length());
        for (float v : audio.samples()) {
            if (!buf.hasRemaining()) {
                buf.flip();
                sha.update(buf);
                buf.clear();
            }
            buf.putInt(Float.floatToRawIntBits(v));
        }
        buf.flip();
        sha.update(buf);
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Where a key's file lives: 256 sub-folders by the first two hex digits keep folders small. */
    public Path file(String key) {
        return dir.resolve(key.substring(0, 2)).resolve(key);
    }

    /** What a lookup found: the features, or none and whether a damaged file stood in their place. */
    public record Lookup(Features features, boolean damaged) {
        public boolean hit() {
            return features != null;
        }
    }

    public Lookup read(String key) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file(key));
        } catch (NoSuchFileException e) {
            return new Lookup(null, false);
        } catch (ClosedByInterruptException e) {
            // The loader is shutting down: the file is not at fault.
            return new Lookup(null, false);
        } catch (IOException e) {
            // Unreadable counts as damaged: the features are recomputed and the file rewritten if it can be.
            return new Lookup(null, true);
        }
        Features f = decode(bytes);
        return new Lookup(f, f == null);
    }

    /** Stores features under a key; false when the file could not be written (the run goes on without it). */
    public boolean write(String key, Features features) {
        Path target = file(key);
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            // A name of its own per writer: two threads on one utterance must not share a temporary file.
            tmp = Files.createTempFile(target.getParent(), key + ".", ".tmp");
            Files.write(tmp, encode(features));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // Nothing more to do: a stray temporary file is never read.
                }
            }
            return false;
        }
    }

    static byte[] encode(Features f) {
        float[] data = f.data();
        ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + 4 * data.length + TRAILER_BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(MAGIC).putInt(FORMAT).putInt(f.frames()).putInt(f.dim());
        buf.asFloatBuffer().put(data);
        buf.position(HEADER_BYTES + 4 * data.length);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        return buf.array();
    }

    /** The features of a well-formed file, or null for anything short, long, foreign or damaged. */
    static Features decode(byte[] bytes) {
        if (bytes.length < HEADER_BYTES + TRAILER_BYTES) {
            return null;
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int magic = buf.getInt();
        int format = buf.getInt();
        int frames = buf.getInt();
        int dim = buf.getInt();
        if (magic != MAGIC || format != FORMAT || frames < 0 || dim <= 0
                || (long) HEADER_BYTES + 4L * frames * dim + TRAILER_BYTES != bytes.length) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - TRAILER_BYTES);
        if ((int) crc.getValue() != buf.getInt(bytes.length - TRAILER_BYTES)) {
            return null;
        }
        float[] data = new float[frames * dim];
        buf.position(HEADER_BYTES);
        buf.asFloatBuffer().get(data);
        return new Features(data, frames, dim);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Per-pipeline counts, thread-safe. */
    public static final class Counter {
        private final LongAdder hits = new LongAdder();
        private final LongAdder misses = new LongAdder();
        private final LongAdder bypassed = new LongAdder();
        private final LongAdder damaged = new LongAdder();
        private final LongAdder writeFailures = new LongAdder();

        void hit() {
            hits.increment();
        }

        void miss() {
            misses.increment();
        }

        void bypass() {
            bypassed.increment();
        }

        void damaged() {
            damaged.increment();
        }

        void writeFailed() {
            writeFailures.increment();
        }

        public Stats snapshot() {
            return new Stats(hits.sum(), misses.sum(), bypassed.sum(), damaged.sum(), writeFailures.sum());
        }
    }

    /**
     * What the cache served.
     *
     * @param hits          utterances whose features came from the cache
     * @param misses        utterances computed and stored (damaged files included)
     * @param bypassed      training views the cache cannot serve: cropped, or changed by a waveform augmentation
     * @param damaged       files found short, foreign or failing their checksum, then recomputed
     * @param writeFailures files that could not be written (the features were used all the same)
     */
    public record Stats(long hits, long misses, long bypassed, long damaged, long writeFailures) {
        public double hitShare() {
            long served = hits + misses;
            return served == 0 ? 0 : hits / (double) served;
        }
    }
}
