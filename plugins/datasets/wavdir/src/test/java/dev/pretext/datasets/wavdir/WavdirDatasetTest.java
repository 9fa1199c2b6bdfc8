package dev.pretext.datasets.wavdir;

import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Utterance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.pretext.datasets.wavdir.WavFile.IEEE_FLOAT;
import static dev.pretext.datasets.wavdir.WavFile.PCM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WavdirDatasetTest {
    @TempDir
    static Path root;

    /** id -> {seconds, tone Hz} of every file that must be listed. */
    static final Map<String, double[]> EXPECTED = new HashMap<>();

    @BeforeAll
    static void writeFiles() throws IOException {
        put("alice/a1", 16000, 1.0, 440, TestWavs.encode(16000, 16, PCM, false, false, TestWavs.tone(440, 1.0, 16000, 0.5)));
        Files.writeString(root.resolve("alice/a1.txt"), "  hello\n  world \n", StandardCharsets.UTF_8);
        float[] left = TestWavs.tone(1000, 0.5, 44100, 0.5);
        put("alice/a2", 44100, 0.5, 1000, TestWavs.encode(44100, 16, PCM, false, false, left, left));
        put("bob/b1", 8000, 0.75, 1000, TestWavs.encode(8000, 8, PCM, false, false, TestWavs.tone(1000, 0.75, 8000, 0.5)));
        put("bob/sub/b2", 48000, 0.25, 2000,
                TestWavs.encode(48000, 24, PCM, false, false, TestWavs.tone(2000, 0.25, 48000, 0.5)));
        put("carol/c1", 22050, 0.6, 3000,
                TestWavs.encode(22050, 32, IEEE_FLOAT, true, true, TestWavs.tone(3000, 0.6, 22050, 0.5)));
        put("carol/c2", 32000, 0.4, 500, TestWavs.encode(32000, 32, PCM, true, false, TestWavs.tone(500, 0.4, 32000, 0.5)));
        put("d0", 16000, 0.3, 700, TestWavs.encode(16000, 64, IEEE_FLOAT, false, false, TestWavs.tone(700, 0.3, 16000, 0.5)));
        // Opposite channels cancel in the downmix.
        float[] tone = TestWavs.tone(600, 0.5, 16000, 0.5);
        put("erin/cancel", 16000, 0.5, 0, TestWavs.encode(16000, 16, PCM, false, false, tone, TestWavs.negate(tone)));

        byte[] full = TestWavs.encode(16000, 16, PCM, false, false, TestWavs.tone(440, 1.0, 16000, 0.5));
        TestWavs.write(root.resolve("broken/truncated.wav"), Arrays.copyOf(full, full.length / 2));
        TestWavs.write(root.resolve("broken/empty.wav"), new byte[0]);
        TestWavs.write(root.resolve("broken/notwav.wav"), "this is a text file, not audio".getBytes(StandardCharsets.UTF_8));
        byte[] mulaw = TestWavs.encode(8000, 8, PCM, false, false, TestWavs.tone(440, 0.2, 8000, 0.5));
        mulaw[20] = 7; // format tag: mu-law
        TestWavs.write(root.resolve("broken/mulaw.wav"), mulaw);
        Files.writeString(root.resolve("notes.txt"), "not audio, not listed");
    }

    private static void put(String id, int rate, double seconds, double hz, byte[] wav) throws IOException {
        TestWavs.write(root.resolve(id + ".wav"), wav);
        EXPECTED.put(id, new double[] {seconds, hz});
    }

    private static WavdirDataset dataset(String speakerFrom) {
        return new WavdirDataset(new WavdirConfig(root.toString(), speakerFrom));
    }

    @Test
    void listsEveryReadableWavSortedWithSpeakersAndTranscripts() throws IOException {
        WavdirDataset dataset = dataset(null);
        List<Utterance> utterances = dataset.utterances();
        assertEquals(List.of("alice/a1", "alice/a2", "bob/b1", "bob/sub/b2", "carol/c1", "carol/c2", "d0", "erin/cancel"),
                utterances.stream().map(Utterance::id).toList());
        for (Utterance u : utterances) {
            assertEquals(EXPECTED.get(u.id())[0], u.seconds(), 1.0 / Waveform.RATE, u.id());
            assertTrue(u.phones().isEmpty());
        }
        Map<String, Utterance> byId = new HashMap<>();
        utterances.forEach(u -> byId.put(u.id(), u));
        assertEquals("alice", byId.get("alice/a2").speaker());
        assertEquals("sub", byId.get("bob/sub/b2").speaker());
        assertNull(byId.get("d0").speaker(), "a file directly in the root has no speaker folder");
        assertEquals("hello world", byId.get("alice/a1").text());
        assertNull(byId.get("alice/a2").text());
        assertTrue(dataset("none").utterances().stream().noneMatch(Utterance::hasSpeaker));
    }

    @Test
    void brokenFilesAreSkippedWithReasons() {
        List<String> skipped = dataset("parent").skipped();
        assertEquals(4, skipped.size(), skipped.toString());
        assertTrue(skipped.get(0).startsWith("broken/empty.wav: empty file"), skipped.toString());
        assertTrue(skipped.get(1).startsWith("broken/mulaw.wav: unsupported encoding: mu-law"), skipped.toString());
        assertTrue(skipped.get(2).startsWith("broken/notwav.wav: not a WAV file"), skipped.toString());
        assertTrue(skipped.get(3).startsWith("broken/truncated.wav: truncated: the data chunk declares 32000 bytes"),
                skipped.toString());
    }

    @Test
    void audioIsMono16kHzWithTheToneAtItsFrequency() throws IOException {
        WavdirDataset dataset = dataset(null);
        for (Utterance u : dataset.utterances()) {
            Waveform w = dataset.audio(u);
            assertEquals(Waveform.RATE, w.sampleRate());
            assertEquals(Math.round(u.seconds() * Waveform.RATE), w.length(), u.id());
            double hz = EXPECTED.get(u.id())[1];
            if (hz == 0) {
                assertTrue(TestWavs.middleRms(w.samples()) < 1e-4, u.id() + " should cancel to silence");
                continue;
            }
            assertEquals(hz, TestWavs.toneFrequency(w.samples(), Waveform.RATE), 2.0, u.id());
            // The resampler is flat to 0.001 dB here; the margin is for 8-bit quantisation.
            double level = 20 * Math.log10(TestWavs.amplitudeAt(w.samples(), hz, Waveform.RATE) / 0.5);
            assertEquals(0, level, 0.1, u.id() + " level " + level + " dB");
        }
    }

    @Test
    void audioOfAFileBrokenAfterListingFailsWithItsName(@TempDir Path other) throws IOException {
        Path file = TestWavs.write(other.resolve("s/x.wav"),
                TestWavs.encode(16000, 16, PCM, false, false, TestWavs.tone(440, 0.5, 16000, 0.5)));
        WavdirDataset dataset = new WavdirDataset(new WavdirConfig(other.toString(), null));
        Utterance u = dataset.utterances().get(0);
        Files.write(file, new byte[10]);
        IOException e = assertThrows(IOException.class, () -> dataset.audio(u));
        assertTrue(e.getMessage().contains("x.wav"), e.getMessage());
    }

    @Test
    void missingRootIsRejectedAtConstruction() {
        Path missing = root.resolve("nowhere");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WavdirDataset(new WavdirConfig(missing.toString(), null)));
        assertEquals("root folder " + missing + " does not exist: point root at the folder holding the .wav files",
                e.getMessage());
        IllegalArgumentException file = assertThrows(IllegalArgumentException.class,
                () -> new WavdirDataset(new WavdirConfig(root.resolve("notes.txt").toString(), null)));
        assertTrue(file.getMessage().contains("is a file, not a folder"), file.getMessage());
    }

    @Test
    void configIsValidated() {
        assertEquals("parent", new WavdirConfig("x", null).speakerFrom());
        assertEquals("none", new WavdirConfig("x", "None").speakerFrom());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> new WavdirConfig("x", "grandparent"));
        assertEquals("speaker_from must be 'parent' or 'none', got 'grandparent'", bad.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> new WavdirConfig(null, null));
        assertTrue(none.getMessage().startsWith("root is required"), none.getMessage());
    }
}
