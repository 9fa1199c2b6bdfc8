package dev.pretext.datasets.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads RIFF/WAVE files: integer PCM of 8 (unsigned), 16, 24 or 32 bits and IEEE float of 32 or 64 bits, plain
 * or WAVE_FORMAT_EXTENSIBLE, any channel count. Other chunks (LIST, fact, cue, ...) are skipped.
 */
final class WavFile {
    static final int PCM = 1;
    static final int IEEE_FLOAT = 3;
    private static final int EXTENSIBLE = 0xFFFE;
    private static final long UNKNOWN_SIZE = 0xFFFFFFFFL;

    private WavFile() {
    }

    /**
     * What the header says, checked against the file.
     *
     * @param encoding   {@link #PCM} or {@link #IEEE_FLOAT}
     * @param dataOffset where the first sample byte is
     * @param frames     complete sample frames (one sample per channel) present in the file
     */
    record Header(int encoding, int channels, int sampleRate, int bitsPerSample, long dataOffset, long frames) {
        int blockAlign() {
            return channels * bitsPerSample / 8;
        }

        double seconds() {
            return frames / (double) sampleRate;
        }
    }

    static Header readHeader(FileChannel ch) throws IOException {
        long size = ch.size();
        ByteBuffer riff = AudioReader.read(ch, 0, 12);
        if (riff == null || !tag(riff, 8).equals("WAVE")) {
            throw new BadAudioException("not a WAV file (no RIFF/WAVE header)");
        }
        String kind = tag(riff, 0);
        if (!kind.equals("RIFF")) {
            throw new BadAudioException(kind.equals("RIFX") || kind.equals("RF64")
                    ? "unsupported WAV variant " + kind + " (convert it to a standard RIFF WAV)"
                    : "not a WAV file (no RIFF/WAVE header)");
        }
        ByteBuffer fmt = null;
        long pos = 12;
        while (true) {
            ByteBuffer chunk = AudioReader.read(ch, pos, 8);
            if (chunk == null) {
                throw new BadAudioException(fmt == null ? "no fmt chunk" : "no data chunk");
            }
            String id = tag(chunk, 0);
            long chunkSize = Integer.toUnsignedLong(chunk.getInt(4));
            long body = pos + 8;
            if (id.equals("fmt ")) {
                if (chunkSize < 16) {
                    throw new BadAudioException("fmt chunk too short (" + chunkSize + " bytes)");
                }
                fmt = AudioReader.read(ch, body, (int) Math.min(chunkSize, 64));
                if (fmt == null) {
                    throw new BadAudioException("truncated inside the fmt chunk");
                }
            } else if (id.equals("data")) {
                if (fmt == null) {
                    throw new BadAudioException("the data chunk comes before the fmt chunk");
                }
                long available = size - body;
                long dataBytes = chunkSize == UNKNOWN_SIZE ? available : chunkSize; // streamed: up to end of file
                if (dataBytes > available) {
                    throw new BadAudioException("truncated: the data chunk declares " + dataBytes
                            + " bytes but only " + available + " follow");
                }
                return format(fmt, body, dataBytes);
            }
            pos = body + chunkSize + (chunkSize & 1); // chunks are padded to even sizes
        }
    }

    private static Header format(ByteBuffer fmt, long dataOffset, long dataBytes) throws BadAudioException {
        int tag = Short.toUnsignedInt(fmt.getShort(0));
        int channels = Short.toUnsignedInt(fmt.getShort(2));
        long rate = Integer.toUnsignedLong(fmt.getInt(4));
        int blockAlign = Short.toUnsignedInt(fmt.getShort(12));
        int bits = Short.toUnsignedInt(fmt.getShort(14));
        if (tag == EXTENSIBLE) {
            if (fmt.limit() < 40) {
                throw new BadAudioException("WAVE_FORMAT_EXTENSIBLE header too short");
            }
            tag = Short.toUnsignedInt(fmt.getShort(24)); // first two bytes of the sub-format GUID
        }
        if (channels == 0) {
            throw new BadAudioException("the header says 0 channels");
        }
        if (rate == 0 || rate > 1_000_000) {
            throw new BadAudioException("implausible sample rate " + rate + " Hz");
        }
        boolean supported = (tag == PCM && (bits == 8 || bits == 16 || bits == 24 || bits == 32))
                || (tag == IEEE_FLOAT && (bits == 32 || bits == 64));
        if (!supported) {
            throw new BadAudioException("unsupported encoding: " + describe(tag) + ", " + bits
                    + " bits (supported: PCM 8/16/24/32-bit, float 32/64-bit)");
        }
        if (blockAlign != channels * bits / 8) {
            throw new BadAudioException("inconsistent header: block align " + blockAlign + " for " + channels
                    + " channels of " + bits + " bits");
        }
        long frames = dataBytes / blockAlign;
        if (frames == 0) {
            throw new BadAudioException("no audio samples");
        }
        if (frames * channels > Integer.MAX_VALUE - 8) {
            throw new BadAudioException("too long to load at once (" + frames + " frames): split it into shorter files");
        }
        return new Header(tag, channels, (int) rate, bits, dataOffset, frames);
    }

    private static String describe(int tag) {
        return switch (tag) {
            case 2 -> "Microsoft ADPCM";
            case 0x11 -> "IMA ADPCM";
            case 6 -> "A-law";
            case 7 -> "mu-law";
            case 0x55 -> "MP3";
            default -> tag == PCM ? "PCM" : tag == IEEE_FLOAT ? "float" : "format tag " + tag;
        };
    }

    /** The audio as mono floats (the mean of the channels) at the file's own rate. */
    static float[] readMono(FileChannel ch, Header h) throws IOException {
        int bytesPerSample = h.bitsPerSample() / 8;
        int n = (int) h.frames();
        float[] mono = new float[n];
        long length = (long) n * h.blockAlign();
        if (length > Integer.MAX_VALUE - 8) {
            throw new BadAudioException("too large to load at once (" + length + " bytes of samples): split it into shorter files");
        }
        ByteBuffer data = AudioReader.read(ch, h.dataOffset(), (int) length);
        if (data == null) {
            throw new BadAudioException("truncated: the file changed or ended while reading");
        }
        float scale = 1f / h.channels();
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int c = 0; c < h.channels(); c++) {
                sum += sample(data, (i * h.channels() + c) * bytesPerSample, h);
            }
            mono[i] = (float) (sum * scale);
            if (!Float.isFinite(mono[i])) {
                // Only float encodings get here; one such sample turns every feature statistic into NaN.
                throw nonFinite(data, i, h);
            }
        }
        return mono;
    }

    /** The reason for a sample frame that is NaN, infinite, or too large for a 32-bit float. */
    private static BadAudioException nonFinite(ByteBuffer data, int frame, Header h) {
        int bytesPerSample = h.bitsPerSample() / 8;
        String what = "too large for 32-bit float";
        String channel = "";
        for (int c = 0; c < h.channels(); c++) {
            double v = sample(data, (frame * h.channels() + c) * bytesPerSample, h);
            if (!Double.isFinite(v)) {
                what = Double.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
                channel = h.channels() > 1 ? " (channel " + (c + 1) + ")" : "";
                break;
            }
        }
        return new BadAudioException(String.format(java.util.Locale.ROOT,
                "sample %d%s at %.3f s is %s (float audio must hold finite samples)",
                frame, channel, frame / (double) h.sampleRate(), what));
    }

    private static double sample(ByteBuffer b, int at, Header h) {
        if (h.encoding() == IEEE_FLOAT) {
            return h.bitsPerSample() == 32 ? b.getFloat(at) : b.getDouble(at);
        }
        return switch (h.bitsPerSample()) {
            case 8 -> ((b.get(at) & 0xff) - 128) / 128.0; // 8-bit WAV is unsigned
            case 16 -> b.getShort(at) / 32768.0;
            case 24 -> ((b.get(at) & 0xff) | ((b.get(at + 1) & 0xff) << 8) | (b.get(at + 2) << 16)) / 8388608.0;
            default -> b.getInt(at) / 2147483648.0;
        };
    }

    private static String tag(ByteBuffer b, int at) {
        char[] c = new char[4];
        for (int i = 0; i < 4; i++) {
            c[i] = (char) (b.get(at + i) & 0xff);
        }
        return new String(c);
    }
}
