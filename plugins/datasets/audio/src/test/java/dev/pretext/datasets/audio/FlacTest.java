package dev.pretext.datasets.audio;

import dev.pretext.api.audio.Waveform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decoder against {@code flac -d} on committed fixtures, and against damaged copies of them. */
class FlacTest {
    @TempDir
    Path dir;

    /** Every sample of a file, interleaved, and the coding features its frames used. */
    record Decoded(Flac.StreamInfo info, int[] samples, Set<String> features) {
    }

    static Decoded decode(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            Flac.Header h = Flac.readHeader(ch, 0, size);
            byte[] data = new byte[(int) size + BitReader.PADDING];
            ch.read(ByteBuffer.wrap(data, 0, (int) size), 0);
            int channels = h.info().channels();
            int[][] out = {new int[0]};
            int[] at = {0};
            Set<String> seen = new TreeSet<>();
            long n = Flac.decode(data, (int) h.audioOffset(), (int) size, h.info(), (ch2, block) -> {
                if (at[0] + block * channels > out[0].length) {
                    out[0] = Arrays.copyOf(out[0], Math.max(2 * out[0].length, at[0] + block * channels));
                }
                for (int i = 0; i < block; i++) {
                    for (int c = 0; c < channels; c++) {
                        out[0][at[0]++] = ch2[c][i];
                    }
                }
            }, seen);
            assertEquals(n * channels, at[0]);
            return new Decoded(h.info(), Arrays.copyOf(out[0], at[0]), seen);
        }
    }

    @Test
    void everyFixtureDecodesBitExactlyLikeTheReferenceDecoder() throws IOException {
        List<FlacFixtures.Case> cases = FlacFixtures.cases();
        assertEquals(12, cases.size());
        Set<String> features = new TreeSet<>();
        for (FlacFixtures.Case c : cases) {
            Decoded d = decode(c.copyTo(dir));
            assertEquals(c.channels(), d.info().channels(), c.name());
            assertEquals(c.bits(), d.info().bits(), c.name());
            assertEquals(c.rate(), d.info().sampleRate(), c.name());
            int[] reference = c.reference();
            assertEquals(c.samples() * c.channels(), reference.length, c.name());
            assertArrayEquals(reference, d.samples(), c.name() + " differs from flac -d");
            features.addAll(d.features());
        }
        // The fixtures exercise every part of the format the decoder has.
        for (String f : List.of("constant", "verbatim", "fixed order 0", "fixed order 1", "fixed order 2",
                "fixed order 3", "fixed order 4", "lpc", "wasted bits", "escaped partition", "4-bit Rice parameter",
                "5-bit Rice parameter", "partitioned residual", "single-partition residual", "independent channels",
                "left/side", "side/right", "mid/side", "variable block sizes", "fixed block sizes", "block size 192",
                "block size 8-bit", "block size 16-bit", "block size 576 x 2^n", "block size 256 x 2^n",
                "sample rate table", "sample rate 8-bit kHz", "sample rate 16-bit Hz", "sample rate from STREAMINFO")) {
            assertTrue(features.contains(f), "no fixture uses " + f + "; seen: " + features);
        }
    }

    @Test
    void readerDownmixesAndResamplesFlac() throws IOException {
        AudioReader reader = new AudioReader();
        for (FlacFixtures.Case c : FlacFixtures.cases()) {
            Path file = c.copyTo(dir);
            AudioInfo info = reader.probe(file);
            assertEquals(new AudioInfo("FLAC", c.rate(), c.channels(), c.bits(), c.samples()), info);
            AudioReader.Native n = reader.readNative(file);
            int[] ref = c.reference();
            double scale = 1.0 / (1L << (c.bits() - 1));
            for (int i = 0; i < c.samples(); i += 97) {
                double mean = 0;
                for (int ch = 0; ch < c.channels(); ch++) {
                    mean += ref[i * c.channels() + ch] * scale / c.channels();
                }
                assertEquals(mean, n.mono()[i], 1e-7, c.name() + " sample " + i);
            }
            Waveform w = reader.read(file);
            assertEquals(16000, w.sampleRate());
            assertEquals(info.samplesAt16k(), w.length(), c.name());
        }
    }

    @Test
    void tagsBeforeTheMarkerAndAMisleadingNameAreFine() throws IOException {
        byte[] flac = FlacFixtures.get("speech8_mono_l8").flac();
        byte[] id3 = new byte[10 + 300];
        id3[0] = 'I';
        id3[1] = 'D';
        id3[2] = '3';
        id3[3] = 4;
        id3[8] = 2; // syncsafe size 300 = 2 * 128 + 44
        id3[9] = 44;
        Path tagged = Files.write(dir.resolve("tagged.flac"), concat(id3, flac));
        Path named = Files.write(dir.resolve("really-a-flac.wav"), flac);
        AudioReader reader = new AudioReader();
        float[] plain = reader.read(FlacFixtures.get("speech8_mono_l8").copyTo(dir)).samples();
        assertArrayEquals(plain, reader.read(tagged).samples());
        assertArrayEquals(plain, reader.read(named).samples());
        assertEquals("FLAC", reader.probe(named).format());
    }

    @Test
    void damageIsReportedInOneLine() throws IOException {
        FlacFixtures.Case c = FlacFixtures.get("speech16_mono_l5_b192");
        byte[] good = c.flac();
        AudioReader reader = new AudioReader();

        Path cut = Files.write(dir.resolve("cut.flac"), Arrays.copyOf(good, good.length * 3 / 5));
        assertTrue(reason(() -> reader.probe(cut)).matches("truncated: the file ends inside the frame after sample "
                + "\\d+ of 12800"), reason(() -> reader.probe(cut)));
        assertTrue(reason(() -> reader.read(cut)).matches("truncated: the file ends inside frame \\d+ \\(after "
                + "sample \\d+ of 12800\\)"), reason(() -> reader.read(cut)));

        Path lastByte = Files.write(dir.resolve("crc.flac"), flip(good, good.length - 1));
        assertEquals("CRC-16 mismatch in the last frame (samples from 12672): the file is corrupt",
                reason(() -> reader.probe(lastByte)));
        assertTrue(reason(() -> reader.read(lastByte)).startsWith("CRC-16 mismatch in the frame at byte "));

        // Damage in the middle escapes the cheap check but not decoding.
        Path middle = Files.write(dir.resolve("middle.flac"), flip(good, good.length / 2));
        reader.probe(middle);
        assertTrue(reason(() -> reader.read(middle)).matches("(CRC-16 mismatch|CRC-8 mismatch|corrupt: ).*"),
                reason(() -> reader.read(middle)));

        Path md5 = Files.write(dir.resolve("md5.flac"), flip(good, 8 + 34 - 1));
        assertEquals("MD5 mismatch: the decoded audio differs from what the encoder stored (corrupt file)",
                reason(() -> reader.read(md5)));

        byte[] notStreamInfo = good.clone();
        notStreamInfo[4] = 4;
        Path header = Files.write(dir.resolve("header.flac"), notStreamInfo);
        assertEquals("corrupt FLAC header: the first metadata block is of type 4, not STREAMINFO",
                reason(() -> reader.probe(header)));

        Path huge = Files.write(dir.resolve("huge.flac"), withTotalSamples(good, (1L << 36) - 1));
        assertEquals("too long: the header declares 1193.0 hours of audio, more than max_audio_seconds (3600 s); "
                + "split the file or raise the limit", reason(() -> reader.probe(huge)));
        assertEquals(reason(() -> reader.probe(huge)), reason(() -> reader.read(huge)));

        Path bits32 = Files.write(dir.resolve("bits32.flac"), withBits(good, 32));
        assertEquals("unsupported encoding: 32-bit FLAC (supported: 4 to 24 bits)", reason(() -> reader.probe(bits32)));

        byte[] streamInfoOnly = withTotalSamples(Arrays.copyOf(good, 42), 0);
        streamInfoOnly[4] |= (byte) 0x80; // the last metadata block
        Path onlyHeader = Files.write(dir.resolve("silent.flac"), streamInfoOnly);
        assertEquals("no audio samples (zero-length FLAC)", reason(() -> reader.probe(onlyHeader)));
        assertEquals("no audio samples (zero-length FLAC)", reason(() -> reader.read(onlyHeader)));

        Path inMetadata = Files.write(dir.resolve("meta.flac"), Arrays.copyOf(good, 30));
        assertEquals("truncated inside the FLAC STREAMINFO block", reason(() -> reader.probe(inMetadata)));
    }

    @Test
    void unknownLengthIsCountedByDecoding() throws IOException {
        FlacFixtures.Case c = FlacFixtures.get("speech16_stereo_l5");
        byte[] unknown = withTotalSamples(c.flac(), 0);
        Path file = Files.write(dir.resolve("stream.flac"), unknown);
        AudioReader reader = new AudioReader();
        assertEquals(c.samples(), reader.probe(file).frames());
        assertEquals(c.samples(), reader.readNative(file).mono().length);
    }

    interface Call {
        void run() throws IOException;
    }

    static String reason(Call call) {
        BadAudioException e = assertThrows(BadAudioException.class, call::run);
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    static byte[] flip(byte[] b, int at) {
        byte[] c = b.clone();
        c[at] ^= 0x10;
        return c;
    }

    /** STREAMINFO's 36-bit sample count (bytes 8..41 of the file hold STREAMINFO). */
    static byte[] withTotalSamples(byte[] flac, long total) {
        byte[] c = flac.clone();
        ByteBuffer b = ByteBuffer.wrap(c);
        long packed = b.getLong(8 + 10);
        b.putLong(8 + 10, (packed & ~((1L << 36) - 1)) | total);
        return c;
    }

    static byte[] withBits(byte[] flac, int bits) {
        byte[] c = flac.clone();
        ByteBuffer b = ByteBuffer.wrap(c);
        long packed = b.getLong(8 + 10);
        b.putLong(8 + 10, (packed & ~(31L << 36)) | ((long) (bits - 1) << 36));
        return c;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
