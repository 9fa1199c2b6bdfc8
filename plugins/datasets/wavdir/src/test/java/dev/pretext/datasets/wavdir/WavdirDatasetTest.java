package dev.pretext.datasets.wavdir;

import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Utterance;
import dev.pretext.datasets.audio.BadAudioException;
import dev.pretext.api.data.SkippedFile;
import dev.pretext.datasets.audio.TestWavs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.pretext.core.recipe.ConfigBinder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.pretext.datasets.audio.TestWavs.IEEE_FLOAT;
import static dev.pretext.datasets.audio.TestWavs.PCM;
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

        // FLAC beside WAV: real speech (hz -1: no tone to measure), stereo, read by content.
        byte[] flac = fixture("speech16_stereo_l5.flac");
        put("frank/19-198-0001", 16000, 1.6, -1, flac, ".flac");
        Files.writeString(root.resolve("frank/19-198-0001.txt"), "FLAC TRANSCRIPT\n", StandardCharsets.UTF_8);
        TestWavs.write(root.resolve("broken/cut.flac"), Arrays.copyOf(flac, flac.length / 2));
        // The same id twice: the second (in path order) is skipped.
        TestWavs.write(root.resolve("twice/x.flac"), fixture("speech8_mono_l8.flac"));
        TestWavs.write(root.resolve("twice/x.wav"), full);
    }

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = WavdirDatasetTest.class.getResourceAsStream("/flac/" + name)) {
            return in.readAllBytes();
        }
    }

    private static void put(String id, int rate, double seconds, double hz, byte[] wav) throws IOException {
        put(id, rate, seconds, hz, wav, ".wav");
    }

    private static void put(String id, int rate, double seconds, double hz, byte[] audio, String extension)
            throws IOException {
        TestWavs.write(root.resolve(id + extension), audio);
        EXPECTED.put(id, new double[] {seconds, hz});
    }

    private static WavdirDataset dataset(String speakerFrom) {
        return new WavdirDataset(new WavdirConfig(root.toString(), speakerFrom, null, null, null));
    }

    @Test
    void listsEveryReadableWavSortedWithSpeakersAndTranscripts() throws IOException {
        WavdirDataset dataset = dataset(null);
        List<Utterance> utterances = dataset.utterances();
        assertEquals(List.of("alice/a1", "alice/a2", "bob/b1", "bob/sub/b2", "carol/c1", "carol/c2", "d0", "erin/cancel",
                        "frank/19-198-0001", "twice/x"),
                utterances.stream().map(Utterance::id).toList());
        for (Utterance u : utterances) {
            if (u.id().equals("twice/x")) {
                assertTrue(u.audio().toString().endsWith("x.flac"));
                continue;
            }
            assertEquals(EXPECTED.get(u.id())[0], u.seconds(), 1.0 / Waveform.RATE, u.id());
            assertTrue(u.phones().isEmpty());
        }
        Map<String, Utterance> byId = new HashMap<>();
        utterances.forEach(u -> byId.put(u.id(), u));
        assertEquals("alice", byId.get("alice/a2").speaker());
        assertEquals("sub", byId.get("bob/sub/b2").speaker());
        assertNull(byId.get("d0").speaker(), "a file directly in the root has no speaker folder");
        assertEquals("hello world", byId.get("alice/a1").text());
        assertEquals("FLAC TRANSCRIPT", byId.get("frank/19-198-0001").text());
        assertEquals("frank", byId.get("frank/19-198-0001").speaker());
        Map<String, String> libri = new HashMap<>();
        for (Utterance u : dataset("librispeech").utterances()) {
            libri.put(u.id(), u.speaker());
        }
        assertEquals("19", libri.get("frank/19-198-0001"));
        assertNull(libri.get("alice/a1"), "no dash, no speaker");
        assertNull(byId.get("alice/a2").text());
        assertTrue(dataset("none").utterances().stream().noneMatch(Utterance::hasSpeaker));
    }

    @Test
    void brokenFilesAreSkippedWithReasons() {
        List<SkippedFile> skipped = dataset("parent").skipped();
        assertEquals(List.of("broken/cut.flac", "broken/empty.wav", "broken/mulaw.wav", "broken/notwav.wav",
                "broken/truncated.wav", "twice/x.wav"), skipped.stream().map(SkippedFile::file).toList());
        assertTrue(skipped.get(0).reason().startsWith("truncated: the file ends inside the frame after sample"),
                skipped.toString());
        assertEquals("empty file (0 bytes)", skipped.get(1).reason());
        assertTrue(skipped.get(2).reason().startsWith("unsupported encoding: mu-law"), skipped.toString());
        assertEquals("not a WAV or FLAC file (no RIFF/WAVE or fLaC header)", skipped.get(3).reason());
        assertTrue(skipped.get(4).reason().startsWith("truncated: the data chunk declares 32000 bytes"),
                skipped.toString());
        assertEquals("same id 'twice/x' as twice/x.flac: keep one of the two", skipped.get(5).reason());
    }

    @Test
    void failPolicyRefusesTheListing() {
        WavdirDataset strict = new WavdirDataset(new WavdirConfig(root.toString(), null, "fail", null, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, strict::utterances);
        assertTrue(e.getMessage().startsWith("6 of 16 files in " + root + " cannot be used (on_bad_audio: fail): "
                + "broken/cut.flac: truncated: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; and 1 more. Fix or remove them, or set on_bad_audio: skip to leave "
                + "them out"), e.getMessage());
    }

    @Test
    void verifyingDecodesEverythingAndALowLimitSkipsLongFiles() throws IOException {
        WavdirDataset verified = new WavdirDataset(new WavdirConfig(root.toString(), null, null, 0.9, true));
        assertEquals(List.of("alice/a2", "bob/b1", "bob/sub/b2", "carol/c1", "carol/c2", "d0", "erin/cancel",
                "twice/x"), verified.utterances().stream().map(Utterance::id).toList());
        assertTrue(verified.skipped().stream().anyMatch(s -> s.file().equals("alice/a1.wav")
                && s.reason().startsWith("too long: the header declares 1.0 s of audio, more than "
                + "max_audio_seconds (0.9 s)")), verified.skipped().toString());
    }

    @Test
    void audioIsMono16kHzWithTheToneAtItsFrequency() throws IOException {
        WavdirDataset dataset = dataset(null);
        for (Utterance u : dataset.utterances()) {
            Waveform w = dataset.audio(u);
            assertEquals(Waveform.RATE, w.sampleRate());
            assertEquals(Math.round(u.seconds() * Waveform.RATE), w.length(), u.id());
            if (u.id().equals("twice/x")) {
                continue;
            }
            double hz = EXPECTED.get(u.id())[1];
            if (hz < 0) {
                assertTrue(TestWavs.middleRms(w.samples()) > 0.01, u.id() + " should be speech");
                continue;
            }
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
        WavdirDataset dataset = new WavdirDataset(new WavdirConfig(other.toString(), null, null, null, null));
        Utterance u = dataset.utterances().get(0);
        Files.write(file, new byte[10]);
        // The core adds the utterance and its path to the reason.
        BadAudioException e = assertThrows(BadAudioException.class, () -> dataset.audio(u));
        assertEquals("not a WAV or FLAC file (no RIFF/WAVE or fLaC header)", e.getMessage());
    }

    /**
     * Links to files and folders are followed; a link loop, a link to nothing and a folder linking to its parent
     * are reported with a reason, as are NaN samples (when verifying) and files too short for a frame. Under
     * {@code fail} the listing is refused but the reasons stay readable (the core records them).
     */
    @Test
    void linksAreFollowedAndLinkLoopsShortAndNaNFilesReported(@TempDir Path other) throws IOException {
        Path corpus = Files.createDirectories(other.resolve("corpus/spk"));
        Path outside = Files.createDirectories(other.resolve("outside"));
        TestWavs.write(corpus.resolve("a.wav"), TestWavs.encode(16000, 16, PCM, false, false,
                TestWavs.tone(440, 0.5, 16000, 0.5)));
        TestWavs.write(outside.resolve("b.wav"), TestWavs.encode(16000, 16, PCM, false, false,
                TestWavs.tone(550, 0.4, 16000, 0.5)));
        Files.createSymbolicLink(corpus.resolve("linked.wav"), Path.of("../../outside/b.wav"));
        Files.createSymbolicLink(other.resolve("corpus/more"), outside);
        Files.createSymbolicLink(corpus.resolve("loop1.wav"), Path.of("loop2.wav"));
        Files.createSymbolicLink(corpus.resolve("loop2.wav"), Path.of("loop1.wav"));
        Files.createSymbolicLink(corpus.resolve("dangling.wav"), other.resolve("nowhere.wav"));
        Files.createSymbolicLink(corpus.resolve("cycle"), other.resolve("corpus"));
        float[] nan = TestWavs.tone(300, 0.5, 16000, 0.3);
        nan[1234] = Float.NaN;
        TestWavs.write(corpus.resolve("nan.wav"), TestWavs.encode(16000, 32, IEEE_FLOAT, false, false, nan));
        TestWavs.write(corpus.resolve("one.wav"), TestWavs.encode(16000, 16, PCM, false, false, new float[] {0.1f}));

        WavdirDataset verified = new WavdirDataset(new WavdirConfig(other.resolve("corpus").toString(), null, null,
                null, true));
        assertEquals(List.of("more/b", "spk/a", "spk/linked"),
                verified.utterances().stream().map(Utterance::id).toList());
        Map<String, String> reasons = new HashMap<>();
        verified.skipped().forEach(f -> reasons.put(f.file(), f.reason()));
        assertEquals(Map.of(
                "spk/cycle", "a symbolic link loop: this folder links back to a folder above it; remove the link",
                "spk/dangling.wav", "a broken symbolic link: its target " + other.resolve("nowhere.wav")
                        + " does not exist",
                "spk/loop1.wav", "a symbolic link loop (following it leads back to a link already followed); remove "
                        + "it or point it at an audio file",
                "spk/loop2.wav", "a symbolic link loop (following it leads back to a link already followed); remove "
                        + "it or point it at an audio file",
                "spk/nan.wav", "sample 1234 at 0.077 s is NaN (float audio must hold finite samples)",
                "spk/one.wav", "too short: 1 sample (0.06 ms) of audio, less than the 25 ms (400 samples at 16 kHz) "
                        + "a frontend needs for one frame; remove it or join it to a longer recording"), reasons);

        WavdirDataset strict = new WavdirDataset(new WavdirConfig(other.resolve("corpus").toString(), null, "fail",
                null, true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, strict::utterances);
        assertTrue(e.getMessage().startsWith("6 of 9 files in " + other.resolve("corpus")), e.getMessage());
        assertEquals(reasons.keySet(), new java.util.HashSet<>(strict.skipped().stream().map(SkippedFile::file)
                .toList()), "the reasons stay readable after the refusal");
    }

    @Test
    void missingRootIsRejectedAtConstruction() {
        Path missing = root.resolve("nowhere");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WavdirDataset(new WavdirConfig(missing.toString(), null, null, null, null)));
        assertEquals("root folder " + missing + " does not exist: point root at the folder holding the .wav or "
                + ".flac files", e.getMessage());
        IllegalArgumentException file = assertThrows(IllegalArgumentException.class,
                () -> new WavdirDataset(new WavdirConfig(root.resolve("notes.txt").toString(), null, null, null,
                        null)));
        assertTrue(file.getMessage().contains("is a file, not a folder"), file.getMessage());
    }

    @Test
    void configIsBoundAndValidatedLikeARecipe() throws Exception {
        ObjectMapper mapper = ConfigBinder.MAPPER;
        WavdirConfig defaults = mapper.readValue("{\"root\": \"x\"}", WavdirConfig.class);
        assertEquals(new WavdirConfig("x", "parent", "skip", 3600.0, false), defaults);
        assertEquals(mapper.readTree("{\"root\":\"x\",\"speaker_from\":\"parent\",\"on_bad_audio\":\"skip\","
                + "\"max_audio_seconds\":3600.0,\"verify_audio\":false}"), mapper.valueToTree(defaults));
        assertEquals(new WavdirConfig("x", "librispeech", "fail", 30.0, true), mapper.readValue(
                "{\"root\": \"x\", \"speaker_from\": \"LibriSpeech\", \"on_bad_audio\": \"fail\", "
                        + "\"max_audio_seconds\": 30.0, \"verify_audio\": true}", WavdirConfig.class));
        assertThrows(UnrecognizedPropertyException.class,
                () -> mapper.readValue("{\"root\": \"x\", \"speakers\": \"parent\"}", WavdirConfig.class));
        assertEquals("speaker_from must be 'parent', 'librispeech' or 'none', got 'grandparent'", cause(mapper,
                "{\"root\": \"x\", \"speaker_from\": \"grandparent\"}"));
        assertEquals("on_bad_audio must be 'skip' or 'fail', got 'ignore'", cause(mapper,
                "{\"root\": \"x\", \"on_bad_audio\": \"ignore\"}"));
        assertEquals("max_audio_seconds must be in (0, 36000], got -1.0", cause(mapper,
                "{\"root\": \"x\", \"max_audio_seconds\": -1.0}"));
        assertTrue(cause(mapper, "{}").startsWith("root is required"));
    }

    private static String cause(ObjectMapper mapper, String json) {
        ValueInstantiationException e = assertThrows(ValueInstantiationException.class,
                () -> mapper.readValue(json, WavdirConfig.class));
        return e.getCause().getMessage();
    }
}
