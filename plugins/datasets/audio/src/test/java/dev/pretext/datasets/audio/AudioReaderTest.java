package dev.pretext.datasets.audio;

import dev.pretext.api.data.SkippedFile;
import dev.pretext.api.audio.Waveform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import static dev.pretext.datasets.audio.FlacTest.reason;
import static dev.pretext.datasets.audio.TestWavs.PCM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AudioReaderTest {
    @TempDir
    Path dir;

    private static final String FINE = "reads";

    /**
     * A folder of broken and unusual files, each with what the reader must say: {@link #FINE}, or a pattern the
     * one-line reason must match. Both the cheap probe and the full read are asked.
     */
    private Map<String, String> brokenFolder() throws IOException {
        Map<String, String> expected = new LinkedHashMap<>();
        float[] tone = TestWavs.tone(440, 1.0, 16000, 0.5);
        byte[] wav = TestWavs.encode(16000, 16, PCM, false, false, tone);
        byte[] flac = FlacFixtures.get("speech16_mono_l5_b192").flac();

        put(expected, "truncated.wav", Arrays.copyOf(wav, wav.length / 2),
                "truncated: the data chunk declares 32000 bytes but only 15978 follow");
        put(expected, "truncated.flac", Arrays.copyOf(flac, flac.length * 3 / 5),
                "truncated: the file ends inside (the )?frame .*");
        byte[] badFmt = wav.clone();
        badFmt[32] = 3; // block align 3 for one 16-bit channel
        put(expected, "corrupt-header.wav", badFmt,
                "inconsistent header: block align 3 for 1 channels of 16 bits");
        byte[] badStreamInfo = flac.clone();
        badStreamInfo[8] = 0; // min and max block size 0
        badStreamInfo[9] = 0;
        badStreamInfo[10] = 0;
        badStreamInfo[11] = 0;
        put(expected, "corrupt-header.flac", badStreamInfo, "corrupt FLAC header: block sizes 0..0");
        put(expected, "bad-crc.flac", FlacTest.flip(flac, flac.length - 1), "CRC-16 mismatch in .*");
        put(expected, "empty.wav", new byte[0], "empty file \\(0 bytes\\)");
        put(expected, "empty.flac", new byte[0], "empty file \\(0 bytes\\)");
        put(expected, "zero-samples.wav", TestWavs.encode(16000, 16, PCM, false, false, new float[0]),
                "no audio samples");
        put(expected, "mulaw.wav", FlacFixtures.bytes("mulaw.wav"), "unsupported encoding: mu-law, 8 bits .*");
        put(expected, "adpcm.wav", FlacFixtures.bytes("adpcm.wav"), "unsupported encoding: IMA ADPCM, 4 bits .*");
        put(expected, "text-named.flac", "not audio at all\n".getBytes(StandardCharsets.UTF_8),
                "not a WAV or FLAC file \\(no RIFF/WAVE or fLaC header\\)");
        put(expected, "song.mp3.wav", new byte[] {'I', 'D', '3', 3, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFB, 0, 0},
                "unsupported format: MP3; convert it to FLAC or WAV");
        put(expected, "vorbis.flac", "OggS\0\2\0\0\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1),
                "unsupported format: Ogg .*");
        put(expected, "absurd.flac", FlacTest.withTotalSamples(flac, (1L << 36) - 1),
                "too long: the header declares 1193.0 hours of audio, more than max_audio_seconds \\(3600 s\\); "
                        + "split the file or raise the limit");
        put(expected, "tiny.wav", new byte[] {'R', 'I'}, "not audio: only 2 bytes");
        // Unusual but fine.
        put(expected, "pcm8.wav", TestWavs.encode(16000, 8, PCM, false, false, tone), FINE);
        put(expected, "pcm24.wav", TestWavs.encode(16000, 24, PCM, false, false, tone), FINE);
        put(expected, "stereo.wav", TestWavs.encode(16000, 16, PCM, false, false, tone, tone), FINE);
        put(expected, "cd-rate.wav", TestWavs.encode(44100, 16, PCM, false, false,
                TestWavs.tone(440, 1.0, 44100, 0.5)), FINE);
        put(expected, "flac-named.wav", flac, FINE);
        put(expected, "stereo24-44k.flac", FlacFixtures.get("speech24_stereo_44k_l8").flac(), FINE);
        return expected;
    }

    private void put(Map<String, String> expected, String name, byte[] bytes, String outcome) throws IOException {
        Files.write(dir.resolve(name), bytes);
        expected.put(name, outcome);
    }

    @Test
    void everyBrokenFileHasAClearReasonAndTheOddOnesRead() throws IOException {
        Map<String, String> expected = brokenFolder();
        assertTrue(expected.values().stream().filter(v -> !v.equals(FINE)).count() >= 14);
        AudioReader reader = new AudioReader();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Path file = dir.resolve(e.getKey());
            if (e.getValue().equals(FINE)) {
                AudioInfo info = reader.probe(file);
                Waveform w = reader.read(file);
                assertEquals(info.samplesAt16k(), w.length(), e.getKey());
                continue;
            }
            String probe = reason(() -> reader.probe(file));
            assertTrue(Pattern.matches(e.getValue(), probe), e.getKey() + ": " + probe);
            String read = reason(() -> reader.read(file));
            assertTrue(Pattern.matches(e.getValue(), read), e.getKey() + ": " + read);
        }
        assertEquals("cannot open: no such file", reason(() -> reader.read(dir.resolve("nowhere.wav"))));
    }

    @Test
    void oddFormatsDecodeToTheSameTone() throws IOException {
        brokenFolder();
        AudioReader reader = new AudioReader();
        for (String name : List.of("pcm8.wav", "pcm24.wav", "stereo.wav", "cd-rate.wav")) {
            float[] y = reader.read(dir.resolve(name)).samples();
            assertEquals(16000, y.length, name);
            assertEquals(440, TestWavs.toneFrequency(y, 16000), 1.0, name);
            double level = 20 * Math.log10(TestWavs.amplitudeAt(y, 440, 16000) / 0.5);
            assertEquals(0, level, 0.1, name + " level " + level + " dB");
        }
    }

    @Test
    void theLengthLimitIsConfigurable() throws IOException {
        Path twoSeconds = Files.write(dir.resolve("two.wav"),
                TestWavs.encode(16000, 16, PCM, false, false, TestWavs.tone(440, 2.0, 16000, 0.5)));
        assertEquals(2.0, new AudioReader().probe(twoSeconds).seconds());
        assertEquals("too long: the header declares 2.0 s of audio, more than max_audio_seconds (1.5 s); "
                + "split the file or raise the limit", reason(() -> new AudioReader(1.5).read(twoSeconds)));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> new AudioReader(0));
        assertEquals("max_audio_seconds must be in (0, 36000], got 0.0", bad.getMessage());
    }

    /** Random damage to real files never escapes as anything but a one-line reason, nor as an internal error. */
    @Test
    void randomDamageNeverCrashes() throws IOException {
        SplittableRandom rng = new SplittableRandom(7);
        AudioReader reader = new AudioReader();
        List<byte[]> originals = List.of(FlacFixtures.get("speech16_stereo_l5").flac(),
                FlacFixtures.get("crafted12_stereo_12k_variable").flac(),
                FlacFixtures.get("crafted20_mono_11k_fixed").flac(),
                TestWavs.encode(22050, 24, PCM, true, true, TestWavs.tone(300, 0.2, 22050, 0.5)));
        int rejected = 0;
        for (int i = 0; i < 600; i++) {
            byte[] b = originals.get(i % originals.size()).clone();
            switch (rng.nextInt(3)) {
                case 0 -> b[rng.nextInt(b.length)] ^= (byte) (1 << rng.nextInt(8));
                case 1 -> b = Arrays.copyOf(b, rng.nextInt(b.length));
                default -> {
                    int at = rng.nextInt(Math.min(b.length, 200)); // headers
                    b[at] = (byte) rng.nextInt(256);
                }
            }
            Path file = Files.write(dir.resolve("damaged.bin"), b);
            for (boolean full : new boolean[] {false, true}) {
                try {
                    if (full) {
                        reader.read(file);
                    } else {
                        reader.probe(file);
                    }
                } catch (BadAudioException e) {
                    rejected++;
                    assertFalse(e.getMessage().contains("\n"), e.getMessage());
                    assertFalse(e.getMessage().startsWith("corrupt: the decoder failed"),
                            "an internal error surfaced: " + e.getMessage());
                }
            }
        }
        assertTrue(rejected > 500, "only " + rejected + " damaged reads were rejected");
    }

    /** A float WAV's NaN or infinite sample is found by decoding (verify_audio, or the loader), never passed on. */
    @Test
    void nonFiniteFloatSamplesAreBadAudio() throws IOException {
        float[] tone = TestWavs.tone(300, 1.0, 16000, 0.3);
        float[] nan = tone.clone();
        nan[1234] = Float.NaN;
        Path nanWav = Files.write(dir.resolve("nan.wav"),
                TestWavs.encode(16000, 32, TestWavs.IEEE_FLOAT, false, false, nan));
        float[] inf = tone.clone();
        inf[8000] = Float.POSITIVE_INFINITY;
        Path infWav = Files.write(dir.resolve("inf.wav"),
                TestWavs.encode(16000, 64, TestWavs.IEEE_FLOAT, true, false, tone, inf));
        Path clean = Files.write(dir.resolve("clean.wav"),
                TestWavs.encode(16000, 32, TestWavs.IEEE_FLOAT, false, false, tone));
        // 1e39 is a finite double but no float: the mono sample would be infinite.
        byte[] huge = TestWavs.encode(16000, 64, TestWavs.IEEE_FLOAT, false, false, tone);
        java.nio.ByteBuffer.wrap(huge).order(java.nio.ByteOrder.LITTLE_ENDIAN).putDouble(huge.length - 8 * 100, 1e39);
        Path hugeWav = Files.write(dir.resolve("huge.wav"), huge);
        AudioReader reader = new AudioReader();

        assertEquals("sample 1234 at 0.077 s is NaN (float audio must hold finite samples)",
                reason(() -> reader.read(nanWav)));
        assertEquals("sample 8000 (channel 2) at 0.500 s is +Inf (float audio must hold finite samples)",
                reason(() -> reader.read(infWav)));
        assertEquals("sample 15900 at 0.994 s is too large for 32-bit float (float audio must hold finite samples)",
                reason(() -> reader.read(hugeWav)));
        assertEquals(16000, reader.read(clean).length());

        // Listing with decoding (verify_audio: true) refuses them; the header-only probe cannot see inside.
        List<AudioReader.Checked> verified = reader.check(List.of(nanWav, infWav, hugeWav, clean), true);
        assertEquals(List.of(false, false, false, true), verified.stream().map(AudioReader.Checked::ok).toList());
        assertTrue(verified.get(0).reason().startsWith("sample 1234 at 0.077 s is NaN"), verified.get(0).reason());
        assertTrue(reader.check(List.of(nanWav), false).get(0).ok());
    }

    /** Shorter than one 25 ms window: no frontend makes a frame of it, so listing refuses it. */
    @Test
    void filesShorterThanOneFrameAreRefusedWhenListed() throws IOException {
        AudioReader reader = new AudioReader();
        Path one = Files.write(dir.resolve("one.wav"),
                TestWavs.encode(16000, 16, PCM, false, false, new float[] {0.1f}));
        assertEquals("too short: 1 sample (0.06 ms) of audio, less than the 25 ms (400 samples at 16 kHz) a frontend "
                + "needs for one frame; remove it or join it to a longer recording", reason(() -> reader.probe(one)));
        Path tenMs = Files.write(dir.resolve("ten.wav"),
                TestWavs.encode(16000, 16, PCM, false, false, TestWavs.tone(300, 0.01, 16000, 0.5)));
        assertTrue(reason(() -> reader.probe(tenMs)).startsWith("too short: 160 samples (10.00 ms)"));
        Path just = Files.write(dir.resolve("just.wav"),
                TestWavs.encode(16000, 16, PCM, false, false, TestWavs.tone(300, 0.025, 16000, 0.5)));
        assertEquals(400, reader.probe(just).samplesAt16k());
        // Counted at 16 kHz: 200 samples at 8 kHz are enough, 199 are not.
        Path low = Files.write(dir.resolve("low.wav"),
                TestWavs.encode(8000, 16, PCM, false, false, TestWavs.tone(300, 0.025, 8000, 0.5)));
        assertEquals(400, reader.probe(low).samplesAt16k());
        Path lower = Files.write(dir.resolve("lower.wav"), TestWavs.encode(8000, 16, PCM, false, false,
                Arrays.copyOf(TestWavs.tone(300, 0.025, 8000, 0.5), 199)));
        assertTrue(reason(() -> reader.probe(lower)).startsWith("too short: 199 samples (24.88 ms)"),
                reason(() -> reader.probe(lower)));
        List<AudioReader.Checked> listed = reader.check(List.of(one, tenMs, just), false);
        assertEquals(List.of(false, false, true), listed.stream().map(AudioReader.Checked::ok).toList());
    }

    /** A reason never quotes the file: whatever it is (a link to /etc/passwd), its bytes are not printed. */
    @Test
    void reasonsQuoteNoFileContent() throws IOException {
        AudioReader reader = new AudioReader();
        Path secret = Files.writeString(dir.resolve("passwd.wav"), "root:x:0:0:root:/root:/bin/bash\n");
        String probe = reason(() -> reader.probe(secret));
        String read = reason(() -> reader.read(secret));
        for (String r : List.of(probe, read)) {
            assertEquals("not a WAV or FLAC file (no RIFF/WAVE or fLaC header)", r);
            assertFalse(r.contains("root") || r.contains("72 6f"), r);
        }
    }

    @Test
    void policyFailsWithTheFirstReasonsAndTheCount() {
        List<SkippedFile> skipped = List.of(new SkippedFile("a.wav", "empty file (0 bytes)"),
                new SkippedFile("b.flac", "CRC-16 mismatch in the last frame (samples from 12): the file is corrupt"),
                new SkippedFile("c.wav", "no audio samples"), new SkippedFile("d.wav", "x"), new SkippedFile("e.wav", "y"),
                new SkippedFile("f.wav", "z"), new SkippedFile("g.wav", "w"));
        BadAudioPolicy.SKIP.enforce(skipped, 10, "/data");
        BadAudioPolicy.FAIL.enforce(List.of(), 10, "/data");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BadAudioPolicy.FAIL.enforce(skipped, 10, "/data"));
        assertEquals("7 of 10 files in /data cannot be used (on_bad_audio: fail): a.wav: empty file (0 bytes); "
                + "b.flac: CRC-16 mismatch in the last frame (samples from 12): the file is corrupt; "
                + "c.wav: no audio samples; d.wav: x; e.wav: y; and 2 more. Fix or remove them, or set "
                + "on_bad_audio: skip to leave them out", e.getMessage());
        assertEquals(BadAudioPolicy.FAIL, BadAudioPolicy.parse(" Fail"));
        assertEquals(BadAudioPolicy.SKIP, BadAudioPolicy.parse(null));
        assertEquals("on_bad_audio must be 'skip' or 'fail', got 'ignore'",
                assertThrows(IllegalArgumentException.class, () -> BadAudioPolicy.parse("ignore")).getMessage());
    }
}
