package dev.pretext.datasets.audio;

import dev.pretext.api.audio.Waveform;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/**
 * Reads WAV and FLAC files as 16 kHz mono, picking the format by the file's content (not its name). Channels are
 * averaged and other rates resampled ({@link Resampler}). Anything that makes a file unusable, from an empty file
 * to a CRC mismatch, is a {@link BadAudioException} with a one-line reason. Safe for concurrent use.
 *
 * <p>{@link #probe} is the cheap check for listing a corpus: headers, declared length, and for FLAC the last
 * frame (which catches truncation); {@link #read} decodes everything and checks every CRC.
 */
public final class AudioReader {
    public static final int RATE = Waveform.RATE;
    /** The longest file read by default: one hour. Longer ones are usually a mistake (a whole book, a bad header). */
    public static final double DEFAULT_MAX_SECONDS = 3600;
    /** What a float array of 16 kHz samples can hold, with margin for 48 kHz input: 10 hours. */
    public static final double LIMIT_MAX_SECONDS = 36_000;
    /**
     * The shortest file listed: 400 samples at 16 kHz, 25 ms. Kaldi's fbank window and wav2vec 2.0's
     * convolutional receptive field are both 400 samples, so a shorter file gives no frame to train on.
     */
    public static final int MIN_SAMPLES = 400;

    private final double maxSeconds;

    public AudioReader() {
        this(DEFAULT_MAX_SECONDS);
    }

    /** @param maxSeconds files declaring more audio than this are refused (the recipe key {@code max_audio_seconds}) */
    public AudioReader(double maxSeconds) {
        if (!(maxSeconds > 0 && maxSeconds <= LIMIT_MAX_SECONDS)) {
            throw new IllegalArgumentException("max_audio_seconds must be in (0, " + (long) LIMIT_MAX_SECONDS
                    + "], got " + maxSeconds);
        }
        this.maxSeconds = maxSeconds;
    }

    public double maxSeconds() {
        return maxSeconds;
    }

    /**
     * The header, checked against the file and the length limits (no longer than {@code max_audio_seconds}, no
     * shorter than {@link #MIN_SAMPLES}); for FLAC also the last frame.
     */
    public AudioInfo probe(Path file) throws BadAudioException {
        return longEnough(probeHeader(file));
    }

    private AudioInfo probeHeader(Path file) throws BadAudioException {
        try (FileChannel ch = open(file)) {
            long size = ch.size();
            return switch (detect(ch, size)) {
                case WAV -> info(WavFile.readHeader(ch));
                case FLAC -> {
                    Flac.Header h = Flac.readHeader(ch, flacStart(ch), size);
                    if (h.info().totalSamples() == 0) {
                        // The encoder did not know the length (a stream): count by decoding.
                        long frames = decodeFlac(ch, size, h, (channels, n) -> { });
                        yield checked(flacInfo(h.info(), frames));
                    }
                    AudioInfo info = checked(flacInfo(h.info(), h.info().totalSamples()));
                    Flac.checkTail(ch, size, h);
                    yield info;
                }
            };
        } catch (BadAudioException e) {
            throw e;
        } catch (IOException e) {
            throw unreadable(e);
        } catch (RuntimeException e) {
            throw new BadAudioException("corrupt: the decoder failed (" + e + ")", e);
        }
    }

    /**
     * The outcome of checking one file when a corpus is listed: its {@code info}, or the {@code reason} it cannot
     * be used (exactly one of the two is null).
     */
    public record Checked(Path file, AudioInfo info, String reason) {
        public boolean ok() {
            return info != null;
        }
    }

    /**
     * Checks many files on all cores, results in the order given (so listing stays deterministic).
     *
     * @param decode also decode each file completely, which finds damage inside a file (a CRC mismatch) before
     *               training rather than during it, at the cost of one decoding pass (FLAC at several hundred
     *               times real time a core)
     */
    public List<Checked> check(List<Path> files, boolean decode) {
        return files.parallelStream().map(file -> {
            try {
                AudioInfo info = probe(file);
                if (decode) {
                    readNative(file);
                }
                return new Checked(file, info, null);
            } catch (BadAudioException e) {
                return new Checked(file, null, e.getMessage());
            }
        }).toList();
    }

    /** The whole file at 16 kHz, mono, every checksum checked. */
    public Waveform read(Path file) throws BadAudioException {
        Native n = readNative(file);
        return new Waveform(Resampler.resample(n.mono(), n.rate(), RATE), RATE);
    }

    /** Mono at the file's own rate. */
    record Native(float[] mono, int rate) {
    }

    Native readNative(Path file) throws BadAudioException {
        try (FileChannel ch = open(file)) {
            long size = ch.size();
            switch (detect(ch, size)) {
                case WAV -> {
                    WavFile.Header h = WavFile.readHeader(ch);
                    checked(info(h));
                    return new Native(WavFile.readMono(ch, h), h.sampleRate());
                }
                default -> {
                    Flac.Header h = Flac.readHeader(ch, flacStart(ch), size);
                    Flac.StreamInfo si = h.info();
                    if (si.totalSamples() == 0) {
                        float[] mono = readFlacUnknownLength(ch, size, h);
                        return new Native(mono, si.sampleRate());
                    }
                    checked(flacInfo(si, si.totalSamples()));
                    float[] mono = new float[(int) si.totalSamples()];
                    decodeFlac(ch, size, h, downmix(mono, si));
                    return new Native(mono, si.sampleRate());
                }
            }
        } catch (BadAudioException e) {
            throw e;
        } catch (IOException e) {
            throw unreadable(e);
        } catch (RuntimeException e) {
            throw new BadAudioException("corrupt: the decoder failed (" + e + ")", e);
        }
    }

    private float[] readFlacUnknownLength(FileChannel ch, long size, Flac.Header h) throws IOException {
        Flac.StreamInfo si = h.info();
        long frames = decodeFlac(ch, size, h, (channels, n) -> { });
        checked(flacInfo(si, frames));
        float[] mono = new float[(int) frames];
        decodeFlac(ch, size, h, downmix(mono, si));
        return mono;
    }

    /** Averages the channels of each block into {@code mono}, scaled to [-1, 1). */
    private static Flac.Sink downmix(float[] mono, Flac.StreamInfo si) {
        float scale = (float) (1.0 / ((1L << (si.bits() - 1)) * (double) si.channels()));
        int[] at = {0};
        return (channels, n) -> {
            int o = at[0];
            if (channels.length == 1) {
                int[] c = channels[0];
                for (int i = 0; i < n; i++) {
                    mono[o + i] = c[i] * scale;
                }
            } else {
                for (int i = 0; i < n; i++) {
                    long sum = 0;
                    for (int[] c : channels) {
                        sum += c[i];
                    }
                    mono[o + i] = sum * scale;
                }
            }
            at[0] = o + n;
        };
    }

    /** Decodes a whole FLAC file into {@code sink}; returns the samples per channel. */
    static long decodeFlac(FileChannel ch, long size, Flac.Header h, Flac.Sink sink) throws IOException {
        if (size > Integer.MAX_VALUE - BitReader.PADDING) {
            throw new BadAudioException("too large to load at once (" + size + " bytes): split it into shorter files");
        }
        byte[] data = new byte[(int) size + BitReader.PADDING];
        ByteBuffer b = ByteBuffer.wrap(data, 0, (int) size);
        while (b.hasRemaining()) {
            if (ch.read(b, b.position()) < 0) {
                throw new BadAudioException("truncated: the file changed while reading");
            }
        }
        return Flac.decode(data, (int) h.audioOffset(), (int) size, h.info(), sink);
    }

    private enum Format { WAV, FLAC }

    private static Format detect(FileChannel ch, long size) throws IOException {
        if (size == 0) {
            throw new BadAudioException("empty file (0 bytes)");
        }
        ByteBuffer head = read(ch, 0, (int) Math.min(size, 12));
        String four = ascii(head, 0, Math.min(4, head.limit()));
        String wave = head.limit() >= 12 ? ascii(head, 8, 4) : "";
        if (four.equals("RIFF") && wave.equals("WAVE")) {
            return Format.WAV;
        }
        if (four.equals(Flac.MARKER)) {
            return Format.FLAC;
        }
        if (four.startsWith("ID3") && flacStart(ch) >= 0) {
            return Format.FLAC;
        }
        if (size < 4) {
            throw new BadAudioException("not audio: only " + size + " bytes");
        }
        throw new BadAudioException(describeUnknown(four, wave, head));
    }

    /** A reason naming what the file is when it is a known format we do not read. */
    private static String describeUnknown(String four, String wave, ByteBuffer head) {
        if ((four.equals("RIFX") || four.equals("RF64")) && wave.equals("WAVE")) {
            return "unsupported WAV variant " + four + " (convert it to a standard RIFF WAV or FLAC)";
        }
        if (four.equals("OggS")) {
            return "unsupported format: Ogg (Vorbis, Opus or Ogg FLAC); convert it to FLAC or WAV";
        }
        if (four.startsWith("ID3") || ((head.get(0) & 0xff) == 0xFF && (head.get(1) & 0xE0) == 0xE0)) {
            return "unsupported format: MP3; convert it to FLAC or WAV";
        }
        if (four.equals("FORM")) {
            return "unsupported format: AIFF; convert it to FLAC or WAV";
        }
        if (four.equals("NIST")) {
            return "unsupported format: NIST SPHERE; convert it to FLAC or WAV (sph2pipe, sox)";
        }
        // No bytes of the file in the reason: it may be any file (a link to /etc/passwd), and reasons are printed.
        return "not a WAV or FLAC file (no RIFF/WAVE or fLaC header)";
    }

    /** Where "fLaC" is: 0, or after an ID3v2 tag some tools put first; -1 when it is not there. */
    private static long flacStart(FileChannel ch) throws IOException {
        ByteBuffer b = read(ch, 0, 10);
        if (b == null) {
            return -1;
        }
        long start = 0;
        if (ascii(b, 0, 3).equals("ID3")) {
            int flags = b.get(5) & 0xff;
            long size = 0;
            for (int i = 6; i < 10; i++) {
                size = (size << 7) | (b.get(i) & 0x7f); // "syncsafe": 7 bits a byte
            }
            start = 10 + size + ((flags & 0x10) != 0 ? 10 : 0);
        }
        ByteBuffer marker = read(ch, start, 4);
        return marker != null && ascii(marker, 0, 4).equals(Flac.MARKER) ? start : -1;
    }

    private static AudioInfo info(WavFile.Header h) {
        return new AudioInfo("WAV", h.sampleRate(), h.channels(), h.bitsPerSample(), h.frames());
    }

    private static AudioInfo flacInfo(Flac.StreamInfo si, long frames) {
        return new AudioInfo("FLAC", si.sampleRate(), si.channels(), si.bits(), frames);
    }

    /** Refuses a length beyond the limit; the check runs before any audio is decoded. */
    private AudioInfo checked(AudioInfo info) throws BadAudioException {
        if (info.seconds() > maxSeconds || info.frames() > Integer.MAX_VALUE - 8) {
            throw new BadAudioException(String.format(Locale.ROOT,
                    "too long: the header declares %s of audio, more than max_audio_seconds (%s s); "
                            + "split the file or raise the limit", duration(info.seconds()), trim(maxSeconds)));
        }
        return info;
    }

    /** Refuses a file too short for any frontend to make a frame of. */
    private static AudioInfo longEnough(AudioInfo info) throws BadAudioException {
        long samples = info.samplesAt16k();
        if (samples < MIN_SAMPLES) {
            throw new BadAudioException(String.format(Locale.ROOT,
                    "too short: %d sample%s (%.2f ms) of audio, less than the %d ms (%d samples at 16 kHz) a "
                            + "frontend needs for one frame; remove it or join it to a longer recording",
                    info.frames(), info.frames() == 1 ? "" : "s", 1000 * info.seconds(), MIN_SAMPLES * 1000 / RATE,
                    MIN_SAMPLES));
        }
        return info;
    }

    private static String duration(double seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%.1f hours", seconds / 3600)
                : String.format(Locale.ROOT, "%.1f s", seconds);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static FileChannel open(Path file) throws BadAudioException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    private static BadAudioException unreadable(IOException e) {
        if (e instanceof NoSuchFileException) {
            return new BadAudioException("cannot open: no such file", e);
        }
        if (e instanceof AccessDeniedException) {
            return new BadAudioException("cannot open: permission denied", e);
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new BadAudioException("cannot read: " + message.replaceAll("\\s+", " "), e);
    }

    /** Exactly {@code length} bytes at {@code position}, little-endian, or null when the file ends first. */
    static ByteBuffer read(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            int got = ch.read(b, position + b.position());
            if (got < 0) {
                return null;
            }
        }
        return b.flip();
    }

    private static String ascii(ByteBuffer b, int at, int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = (char) (b.get(at + i) & 0xff);
        }
        return new String(c);
    }
}
