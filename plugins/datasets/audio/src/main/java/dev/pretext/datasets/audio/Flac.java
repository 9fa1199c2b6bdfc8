package dev.pretext.datasets.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A FLAC decoder written from the format specification (RFC 9639). Reads the STREAMINFO block (other metadata
 * is skipped), then frames: constant, verbatim, fixed and LPC subframes, Rice partitions with 4- or 5-bit
 * parameters and escape codes, wasted bits, the three stereo decorrelation modes, 4 to 24 bits per sample, 1 to
 * 8 channels, fixed or variable block sizes. Checks every header's CRC-8, every frame's CRC-16, that frames
 * follow each other without gaps, that the file holds the declared number of samples, and the MD5 of the
 * decoded audio when the encoder stored one. Every problem is a {@link BadAudioException} with a one-line reason.
 */
final class Flac {
    static final String MARKER = "fLaC";
    static final int MAX_BITS = 24;
    private static final int STREAMINFO = 0;
    private static final int STREAMINFO_LENGTH = 34;
    private static final int INVALID_BLOCK = 127;
    private static final int[] RATES = {0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000};
    private static final int[] SAMPLE_SIZES = {0, 8, 12, -1, 16, 20, 24, 32};
    private static final int LEFT_SIDE = 8;
    private static final int SIDE_RIGHT = 9;
    private static final int MID_SIDE = 10;
    private static final String[] ASSIGNMENTS = {"independent channels", "left/side", "side/right", "mid/side"};
    private static final String[] BLOCK_CODE_NAMES = {"reserved", "192", "576 x 2^n", "576 x 2^n", "576 x 2^n",
        "576 x 2^n", "8-bit", "16-bit", "256 x 2^n", "256 x 2^n", "256 x 2^n", "256 x 2^n", "256 x 2^n",
        "256 x 2^n", "256 x 2^n", "256 x 2^n"};
    private static final String[] RATE_CODE_NAMES = {"from STREAMINFO", "table", "table", "table", "table", "table",
        "table", "table", "table", "table", "table", "table", "8-bit kHz", "16-bit Hz", "16-bit tens of Hz", "bad"};
    /** How far before the end the cheap truncation check looks for the last frame when STREAMINFO gives no size. */
    private static final int TAIL_WINDOW = 1 << 20;
    /** An ID3v1 tag some tools append: 128 bytes starting "TAG". */
    private static final int ID3V1_LENGTH = 128;

    private Flac() {
    }

    /**
     * @param totalSamples samples per channel, 0 when the encoder did not know
     * @param md5          of the decoded samples as signed little-endian integers; all zeros when not stored
     */
    record StreamInfo(int minBlock, int maxBlock, int maxFrame, int sampleRate, int channels, int bits,
                      long totalSamples, byte[] md5) {
        boolean hasMd5() {
            for (byte b : md5) {
                if (b != 0) {
                    return true;
                }
            }
            return false;
        }
    }

    /** STREAMINFO and where the first frame starts. */
    record Header(StreamInfo info, long audioOffset) {
    }

    /** Receives each decoded block: {@code channels[c][0..blockSize)}, after decorrelation and wasted-bit shifts. */
    interface Sink {
        void block(int[][] channels, int blockSize) throws BadAudioException;
    }

    // ---------------------------------------------------------------- metadata

    /** Reads the metadata blocks; {@code start} is where "fLaC" is (after any ID3v2 tag). */
    static Header readHeader(FileChannel ch, long start, long size) throws IOException {
        long pos = start + 4;
        StreamInfo info = null;
        boolean last = false;
        while (!last) {
            ByteBuffer h = AudioReader.read(ch, pos, 4);
            if (h == null) {
                throw new BadAudioException("truncated inside the FLAC metadata (at byte " + pos + ")");
            }
            int flags = h.get(0) & 0xff;
            last = (flags & 0x80) != 0;
            int type = flags & 0x7f;
            int length = ((h.get(1) & 0xff) << 16) | ((h.get(2) & 0xff) << 8) | (h.get(3) & 0xff);
            if (info == null && type != STREAMINFO) {
                throw new BadAudioException("corrupt FLAC header: the first metadata block is of type " + type
                        + ", not STREAMINFO");
            }
            if (type == INVALID_BLOCK) {
                throw new BadAudioException("corrupt FLAC header: metadata block type 127 at byte " + pos);
            }
            if (type == STREAMINFO) {
                if (info != null) {
                    throw new BadAudioException("corrupt FLAC header: a second STREAMINFO block at byte " + pos);
                }
                if (length != STREAMINFO_LENGTH) {
                    throw new BadAudioException("corrupt FLAC header: STREAMINFO is " + length + " bytes, not 34");
                }
                ByteBuffer body = AudioReader.read(ch, pos + 4, STREAMINFO_LENGTH);
                if (body == null) {
                    throw new BadAudioException("truncated inside the FLAC STREAMINFO block");
                }
                info = streamInfo(body);
            }
            pos += 4 + (long) length;
            if (pos > size) {
                throw new BadAudioException("truncated inside the FLAC metadata: a block of " + length
                        + " bytes runs past the end of the file");
            }
        }
        return new Header(info, pos);
    }

    private static StreamInfo streamInfo(ByteBuffer b) throws BadAudioException {
        b.order(java.nio.ByteOrder.BIG_ENDIAN);
        int minBlock = Short.toUnsignedInt(b.getShort(0));
        int maxBlock = Short.toUnsignedInt(b.getShort(2));
        int maxFrame = ((b.get(7) & 0xff) << 16) | ((b.get(8) & 0xff) << 8) | (b.get(9) & 0xff);
        long packed = b.getLong(10); // rate 20 bits, channels-1 3, bits-1 5, total samples 36
        int rate = (int) (packed >>> 44);
        int channels = (int) ((packed >>> 41) & 7) + 1;
        int bits = (int) ((packed >>> 36) & 31) + 1;
        long total = packed & ((1L << 36) - 1);
        byte[] md5 = new byte[16];
        b.get(18, md5);
        if (maxBlock < 16 || minBlock > maxBlock) {
            throw new BadAudioException("corrupt FLAC header: block sizes " + minBlock + ".." + maxBlock);
        }
        if (rate == 0) {
            throw new BadAudioException("corrupt FLAC header: sample rate 0 (not audio)");
        }
        if (bits < 4) {
            throw new BadAudioException("corrupt FLAC header: " + bits + " bits per sample (at least 4 are required)");
        }
        if (bits > MAX_BITS) {
            throw new BadAudioException("unsupported encoding: " + bits + "-bit FLAC (supported: 4 to 24 bits)");
        }
        return new StreamInfo(minBlock, maxBlock, maxFrame, rate, channels, bits, total, md5);
    }

    // ---------------------------------------------------------------- decoding

    /**
     * Decodes every frame of {@code data[audioOffset..end)} ({@code data} carries {@link BitReader#PADDING} more
     * bytes) into {@code sink}, and checks the length and the MD5.
     *
     * @return samples per channel decoded
     */
    static long decode(byte[] data, int audioOffset, int end, StreamInfo info, Sink sink) throws BadAudioException {
        return decode(data, audioOffset, end, info, sink, null);
    }

    /** As above; {@code seen}, when not null, collects the names of the coding features met (for tests). */
    static long decode(byte[] data, int audioOffset, int end, StreamInfo info, Sink sink, Set<String> seen)
            throws BadAudioException {
        int[][] channels = new int[info.channels()][info.maxBlock()];
        MessageDigest md5 = info.hasMd5() ? md5() : null;
        byte[] md5Bytes = md5 == null ? null : new byte[0];
        long total = info.totalSamples();
        long decoded = 0;
        int pos = audioOffset;
        int frame = 0;
        while (true) {
            if (total > 0 && decoded >= total) {
                break; // anything after the declared samples (a tag) is not audio
            }
            if (pos >= end) {
                if (total > 0) {
                    throw new BadAudioException("truncated: the file ends after sample " + decoded + " of "
                            + total);
                }
                break;
            }
            if (total == 0 && isId3v1(data, pos, end)) {
                break;
            }
            Frame f;
            try {
                f = frame(data, pos, end, info, channels, seen);
            } catch (BitReader.EndOfData e) {
                throw new BadAudioException("truncated: the file ends inside frame " + frame + " (after sample "
                        + decoded + (total > 0 ? " of " + total : "") + ")");
            }
            if (f.firstSample() != decoded) {
                throw new BadAudioException("corrupt: frame " + frame + " (byte " + pos + ") starts at sample "
                        + f.firstSample() + " but sample " + decoded + " was expected; a frame is missing or damaged");
            }
            if (total > 0 && decoded + f.blockSize() > total) {
                throw new BadAudioException("corrupt: frame " + frame + " runs past the " + total
                        + " samples the header declares");
            }
            if (f.blockSize() > channels[0].length) {
                channels = f.channels();
            }
            sink.block(f.channels(), f.blockSize());
            if (md5 != null) {
                md5Bytes = littleEndian(f.channels(), f.blockSize(), info.bits(), md5Bytes);
                md5.update(md5Bytes, 0, f.blockSize() * info.channels() * ((info.bits() + 7) / 8));
            }
            decoded += f.blockSize();
            pos = f.end();
            frame++;
        }
        if (decoded == 0) {
            throw new BadAudioException("no audio samples (zero-length FLAC)");
        }
        if (md5 != null && !Arrays.equals(md5.digest(), info.md5())) {
            throw new BadAudioException("MD5 mismatch: the decoded audio differs from what the encoder stored "
                    + "(corrupt file)");
        }
        return decoded;
    }

    /**
     * The cheap integrity check used when listing: finds the last frame within the final bytes of the file,
     * checks its CRCs and that it ends the declared audio. Catches truncation without decoding the file.
     */
    static void checkTail(FileChannel ch, long size, Header h) throws IOException {
        StreamInfo info = h.info();
        long audio = size - h.audioOffset();
        if (audio <= 0) {
            throw new BadAudioException(info.totalSamples() > 0
                    ? "truncated: the file ends before the first frame" : "no audio samples (zero-length FLAC)");
        }
        int window = (int) Math.min(audio, info.maxFrame() > 0 ? info.maxFrame() + 64L : TAIL_WINDOW);
        byte[] tail = new byte[window + BitReader.PADDING];
        ByteBuffer b = ByteBuffer.wrap(tail, 0, window);
        long at = size - window;
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new BadAudioException("truncated: the file changed while reading");
            }
        }
        int end = window;
        if (isId3v1(tail, end - ID3V1_LENGTH, end)) {
            end -= ID3V1_LENGTH;
        }
        int[][] scratch = new int[info.channels()][info.maxBlock()];
        // Scanning back from the end, the first frame that decodes completely anchors the verdict; sync codes
        // inside frame data (a false header now and then) cannot mislead it.
        Map<Integer, String> failures = new HashMap<>();
        for (int q = end - 2; q >= 0; q--) {
            if (tail[q] != (byte) 0xFF || (tail[q + 1] & 0xFE) != 0xF8) {
                continue;
            }
            Frame f;
            try {
                f = frame(tail, q, end, info, scratch, null);
            } catch (BitReader.EndOfData e) {
                failures.put(q, "truncated");
                continue;
            } catch (BadAudioException e) {
                failures.put(q, e.getMessage());
                continue;
            }
            long last = f.firstSample() + f.blockSize();
            long total = info.totalSamples();
            if (f.end() != end) {
                String next = failures.getOrDefault(f.end(), "");
                if (next.startsWith("CRC-16")) {
                    throw new BadAudioException("CRC-16 mismatch in the last frame (samples from " + last
                            + "): the file is corrupt");
                }
                throw new BadAudioException(next.startsWith("truncated") || next.isEmpty()
                        ? "truncated: the file ends inside the frame after sample " + last
                                + (total > 0 ? " of " + total : "")
                        : "corrupt: the frame after sample " + last + " is damaged (" + next + ")");
            }
            if (total > 0 && last < total) {
                throw new BadAudioException("truncated: the audio stops at sample " + last + " of the " + total
                        + " the header declares");
            }
            if (total > 0 && last > total) {
                throw new BadAudioException("corrupt: the last frame ends at sample " + last + ", beyond the "
                        + total + " samples the header declares");
            }
            return;
        }
        String first = window == audio ? failures.get(0) : null; // the first frame, when the window holds all
        if (first != null) {
            long total = info.totalSamples();
            throw new BadAudioException(first.equals("truncated")
                    ? "truncated: the file ends inside its first frame" + (total > 0 ? " (of " + total + " samples)" : "")
                    : first.startsWith("CRC-16") ? "CRC-16 mismatch in the first frame: the file is corrupt"
                    : "corrupt: the first frame is damaged (" + first + ")");
        }
        throw new BadAudioException(window == audio
                ? "truncated or corrupt: not one complete frame in the file"
                : "truncated or corrupt: no complete frame in the last " + window + " bytes");
    }

    private record FrameHeader(long firstSample, int blockSize, int assignment, int bits, int headerEnd) {
    }

    private record Frame(long firstSample, int blockSize, int[][] channels, int end) {
    }

    private static FrameHeader frameHeader(byte[] b, int pos, int end, StreamInfo info) throws BadAudioException {
        if (b[pos] != (byte) 0xFF || (b[pos + 1] & 0xFE) != 0xF8) {
            throw new BadAudioException("corrupt: no frame sync code at byte " + pos);
        }
        boolean variable = (b[pos + 1] & 1) != 0;
        int blockCode = (b[pos + 2] & 0xff) >>> 4;
        int rateCode = b[pos + 2] & 0x0f;
        int assignment = (b[pos + 3] & 0xff) >>> 4;
        int sizeCode = (b[pos + 3] >>> 1) & 7;
        if ((b[pos + 3] & 1) != 0 || blockCode == 0 || rateCode == 15 || assignment > MID_SIDE || sizeCode == 3) {
            throw new BadAudioException("corrupt: reserved values in the frame header at byte " + pos);
        }
        int p = pos + 4;
        // The frame or sample number, coded like UTF-8 (up to 7 bytes, 36 bits).
        int first = b[p++] & 0xff;
        int more;
        long number;
        if (first < 0x80) {
            more = 0;
            number = first;
        } else if (first >= 0xC0 && first < 0xFF) {
            more = Integer.numberOfLeadingZeros(~first << 24) - 1;
            number = first & (0x3F >>> more);
        } else {
            throw new BadAudioException("corrupt: bad coded number in the frame header at byte " + pos);
        }
        for (int i = 0; i < more; i++) {
            int c = b[p++] & 0xff;
            if ((c & 0xC0) != 0x80) {
                throw new BadAudioException("corrupt: bad coded number in the frame header at byte " + pos);
            }
            number = (number << 6) | (c & 0x3F);
        }
        int blockSize = switch (blockCode) {
            case 1 -> 192;
            case 2, 3, 4, 5 -> 576 << (blockCode - 2);
            case 6 -> (b[p++] & 0xff) + 1;
            case 7 -> {
                int v = ((b[p] & 0xff) << 8 | (b[p + 1] & 0xff)) + 1;
                p += 2;
                yield v;
            }
            default -> 256 << (blockCode - 8);
        };
        int rate = switch (rateCode) {
            case 0 -> info.sampleRate();
            case 12 -> (b[p++] & 0xff) * 1000;
            case 13, 14 -> {
                int v = (b[p] & 0xff) << 8 | (b[p + 1] & 0xff);
                p += 2;
                yield rateCode == 13 ? v : v * 10;
            }
            default -> RATES[rateCode];
        };
        if (p >= end) {
            throw BitReader.END;
        }
        if (Crc.crc8(b, pos, p) != (b[p] & 0xff)) {
            throw new BadAudioException("CRC-8 mismatch in the frame header at byte " + pos + " (corrupt file)");
        }
        p++;
        int bits = sizeCode == 0 ? info.bits() : SAMPLE_SIZES[sizeCode];
        int channels = assignment < LEFT_SIDE ? assignment + 1 : 2;
        if (channels != info.channels() || rate != info.sampleRate() || bits != info.bits()) {
            throw new BadAudioException("unsupported: the frame at byte " + pos + " has " + channels + " channels, "
                    + rate + " Hz, " + bits + " bits but the stream " + info.channels() + ", " + info.sampleRate()
                    + ", " + info.bits() + " (formats changing mid-stream)");
        }
        if (!variable && more > 5) {
            throw new BadAudioException("corrupt: frame number wider than 31 bits at byte " + pos);
        }
        // With fixed block sizes the header counts frames; every frame but the last has the stream's block size.
        long firstSample = variable ? number : number * info.maxBlock();
        return new FrameHeader(firstSample, blockSize, assignment, bits, p);
    }

    private static Frame frame(byte[] b, int pos, int end, StreamInfo info, int[][] channels, Set<String> seen)
            throws BadAudioException {
        FrameHeader h = frameHeader(b, pos, end, info);
        if (seen != null) {
            seen.add(ASSIGNMENTS[h.assignment() < LEFT_SIDE ? 0 : h.assignment() - LEFT_SIDE + 1]);
            seen.add("block size " + (BLOCK_CODE_NAMES[(b[pos + 2] & 0xff) >>> 4]));
            seen.add("sample rate " + RATE_CODE_NAMES[b[pos + 2] & 0x0f]);
            seen.add((b[pos + 1] & 1) != 0 ? "variable block sizes" : "fixed block sizes");
        }
        int n = h.blockSize();
        if (n > channels[0].length) {
            channels = new int[channels.length][n];
        }
        BitReader r = new BitReader(b, h.headerEnd(), end);
        int a = h.assignment();
        for (int c = 0; c < channels.length; c++) {
            // The side channel (difference of two) needs one bit more than the samples.
            boolean side = (a == LEFT_SIDE && c == 1) || (a == SIDE_RIGHT && c == 0) || (a == MID_SIDE && c == 1);
            subframe(r, channels[c], n, h.bits() + (side ? 1 : 0), pos, c, seen);
        }
        r.alignToByte();
        int crcAt = r.bytePosition();
        int crc = r.bits(16);
        if (Crc.crc16(b, pos, crcAt) != crc) {
            throw new BadAudioException("CRC-16 mismatch in the frame at byte " + pos + " (samples from "
                    + h.firstSample() + "): the file is corrupt");
        }
        decorrelate(a, channels, n);
        return new Frame(h.firstSample(), n, channels, crcAt + 2);
    }

    private static void decorrelate(int assignment, int[][] ch, int n) {
        int[] x = ch.length > 1 ? ch[0] : null;
        int[] y = ch.length > 1 ? ch[1] : null;
        switch (assignment) {
            case LEFT_SIDE -> { // left, side = left - right
                for (int i = 0; i < n; i++) {
                    y[i] = x[i] - y[i];
                }
            }
            case SIDE_RIGHT -> { // side, right
                for (int i = 0; i < n; i++) {
                    x[i] += y[i];
                }
            }
            case MID_SIDE -> { // mid = (left + right) >> 1 without its lowest bit, which the side carries
                for (int i = 0; i < n; i++) {
                    int side = y[i];
                    int mid = (x[i] << 1) | (side & 1);
                    x[i] = (mid + side) >> 1;
                    y[i] = (mid - side) >> 1;
                }
            }
            default -> {
            }
        }
    }

    private static void subframe(BitReader r, int[] s, int n, int bits, int framePos, int channel, Set<String> seen)
            throws BadAudioException {
        if (r.bits(1) != 0) {
            throw corrupt("subframe padding bit set", framePos, channel);
        }
        int type = r.bits(6);
        int wasted = 0;
        if (r.bits(1) == 1) {
            wasted = r.unary() + 1;
            if (wasted >= bits) {
                throw corrupt(wasted + " wasted bits of " + bits, framePos, channel);
            }
        }
        int size = bits - wasted;
        if (seen != null) {
            seen.add(type == 0 ? "constant" : type == 1 ? "verbatim" : type < 32 ? "fixed order " + (type - 8) : "lpc");
            if (wasted > 0) {
                seen.add("wasted bits");
            }
        }
        if (type == 0) {
            Arrays.fill(s, 0, n, r.signed(size));
        } else if (type == 1) {
            for (int i = 0; i < n; i++) {
                s[i] = r.signed(size);
            }
        } else if (type >= 8 && type <= 12) {
            int order = type - 8;
            warmUp(r, s, n, order, size, framePos, channel);
            residual(r, s, n, order, framePos, channel, seen);
            fixedPrediction(s, n, order);
        } else if (type >= 32) {
            int order = type - 31;
            warmUp(r, s, n, order, size, framePos, channel);
            int precision = r.bits(4) + 1;
            if (precision == 16) {
                throw corrupt("invalid LPC coefficient precision", framePos, channel);
            }
            int shift = r.signed(5);
            if (shift < 0) {
                throw corrupt("negative LPC shift " + shift, framePos, channel);
            }
            int[] coefficients = new int[order];
            for (int j = 0; j < order; j++) {
                coefficients[j] = r.signed(precision);
            }
            residual(r, s, n, order, framePos, channel, seen);
            lpcPrediction(s, n, coefficients, shift);
        } else {
            throw corrupt("reserved subframe type " + type, framePos, channel);
        }
        if (wasted > 0) {
            for (int i = 0; i < n; i++) {
                s[i] <<= wasted;
            }
        }
    }

    private static void warmUp(BitReader r, int[] s, int n, int order, int size, int framePos, int channel)
            throws BadAudioException {
        if (order > n) {
            throw corrupt("predictor order " + order + " above the block size " + n, framePos, channel);
        }
        for (int i = 0; i < order; i++) {
            s[i] = r.signed(size);
        }
    }

    /** Residuals into {@code s[order..n)}: 2^p partitions, each Rice-coded with its own parameter or escaped. */
    private static void residual(BitReader r, int[] s, int n, int order, int framePos, int channel,
                                 Set<String> seen) throws BadAudioException {
        int method = r.bits(2);
        if (method > 1) {
            throw corrupt("reserved residual coding method " + method, framePos, channel);
        }
        int parameterBits = method == 0 ? 4 : 5;
        int escape = (1 << parameterBits) - 1;
        int partitionOrder = r.bits(4);
        int partition = n >> partitionOrder;
        if (partition << partitionOrder != n || partition < order) {
            throw corrupt("partition order " + partitionOrder + " does not fit the block of " + n
                    + " samples and predictor order " + order, framePos, channel);
        }
        int i = order;
        for (int p = 1; p <= 1 << partitionOrder; p++) {
            int to = p * partition;
            int k = r.bits(parameterBits);
            if (seen != null) {
                seen.add(k == escape ? "escaped partition" : parameterBits == 5 ? "5-bit Rice parameter"
                        : "4-bit Rice parameter");
                seen.add(partitionOrder > 0 ? "partitioned residual" : "single-partition residual");
            }
            if (k == escape) {
                int width = r.bits(5); // escaped: plain signed values of this width (0: all zero)
                for (; i < to; i++) {
                    s[i] = r.signed(width);
                }
            } else {
                r.rice(s, i, to, k);
                i = to;
            }
        }
    }

    /** The fixed polynomial predictors of order 0 to 4, adding each prediction to the residual in place. */
    private static void fixedPrediction(int[] s, int n, int order) {
        switch (order) {
            case 1 -> {
                for (int i = 1; i < n; i++) {
                    s[i] += s[i - 1];
                }
            }
            case 2 -> {
                for (int i = 2; i < n; i++) {
                    s[i] += 2 * s[i - 1] - s[i - 2];
                }
            }
            case 3 -> {
                for (int i = 3; i < n; i++) {
                    s[i] += 3 * s[i - 1] - 3 * s[i - 2] + s[i - 3];
                }
            }
            case 4 -> {
                for (int i = 4; i < n; i++) {
                    s[i] += 4 * s[i - 1] - 6 * s[i - 2] + 4 * s[i - 3] - s[i - 4];
                }
            }
            default -> {
            }
        }
    }

    /** Linear prediction: the first coefficient weighs the sample just before; 64-bit sums cannot overflow. */
    private static void lpcPrediction(int[] s, int n, int[] c, int shift) {
        int order = c.length;
        for (int i = order; i < n; i++) {
            long sum = 0;
            for (int j = 0; j < order; j++) {
                sum += (long) c[j] * s[i - 1 - j];
            }
            s[i] += (int) (sum >> shift);
        }
    }

    private static BadAudioException corrupt(String what, int framePos, int channel) {
        return new BadAudioException("corrupt: " + what + " in channel " + channel + " of the frame at byte "
                + framePos);
    }

    private static boolean isId3v1(byte[] b, int pos, int end) {
        return pos >= 0 && end - pos == ID3V1_LENGTH && b[pos] == 'T' && b[pos + 1] == 'A' && b[pos + 2] == 'G';
    }

    /** Samples as FLAC's MD5 sees them: interleaved, signed, little-endian, in whole bytes. */
    private static byte[] littleEndian(int[][] ch, int n, int bits, byte[] buf) {
        int bytes = (bits + 7) / 8;
        int needed = n * ch.length * bytes;
        byte[] out = buf.length >= needed ? buf : new byte[needed];
        int o = 0;
        for (int i = 0; i < n; i++) {
            for (int[] c : ch) {
                int v = c[i];
                for (int k = 0; k < bytes; k++) {
                    out[o++] = (byte) (v >> (8 * k));
                }
            }
        }
        return out;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }
}
