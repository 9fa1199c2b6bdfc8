package dev.pretext.datasets.manifest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Utterance;
import dev.pretext.core.recipe.ConfigBinder;
import dev.pretext.api.data.SkippedFile;
import dev.pretext.datasets.audio.TestWavs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.pretext.datasets.audio.TestWavs.PCM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestDatasetTest {
    @TempDir
    Path dir;
    Path tsv;

    /** One line per manifest entry below the root line: eight entries, three of them usable. */
    private static final String ENTRIES = """
            spk1/a.wav\t16000
            spk1/b.flac\t40000
            ../outside.wav\t16000
            spk2/c.wav\t44100
            spk2/d.wav\t16000
            spk2/missing.wav\t16000
            a line without a sample count
            /etc/hostname\t5
            """;

    @BeforeEach
    void writeCorpus() throws IOException {
        Path audio = Files.createDirectories(dir.resolve("audio"));
        byte[] tone = TestWavs.encode(16000, 16, PCM, false, false, TestWavs.tone(440, 1.0, 16000, 0.5));
        TestWavs.write(audio.resolve("spk1/a.wav"), tone);
        TestWavs.write(audio.resolve("spk1/b.flac"), fixture("speech16_mono_l8.flac"));
        float[] cd = TestWavs.tone(1000, 0.5, 44100, 0.5);
        TestWavs.write(audio.resolve("spk2/c.wav"), TestWavs.encode(44100, 16, PCM, false, false, cd, cd));
        TestWavs.write(audio.resolve("spk2/d.wav"), Arrays.copyOf(tone, 1000));
        TestWavs.write(dir.resolve("outside.wav"), tone); // real, but outside the root
        Path manifests = Files.createDirectories(dir.resolve("manifests"));
        tsv = Files.writeString(manifests.resolve("train.tsv"), "../audio\n" + ENTRIES);
        Files.writeString(manifests.resolve("train.wrd"), """
                HELLO WORLD
                SPEECH FROM A FLAC FILE
                OUT OF BOUNDS
                A  CD   RATE TONE
                TRUNCATED
                MISSING
                MALFORMED
                ABSOLUTE
                """);
        Files.writeString(manifests.resolve("train.ltr"), """
                H E L L O | W O R L D |
                S P E E C H | F R O M | A | F L A C | F I L E |
                O U T |
                A | C D | R A T E | T O N E |
                T |
                M |
                M |
                A |
                """);
        Files.writeString(manifests.resolve("train.phn"), "hh ah l ow w er l d\ns p iy ch\nx\n\nx\nx\nx\nx\n");
        Files.writeString(manifests.resolve("train.km"), "1 1 2 3 5 8\n13 21 34 55 89 144 233 377 610\n0\n\n0\n0\n0\n0\n");
    }

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = ManifestDatasetTest.class.getResourceAsStream("/flac/" + name)) {
            return in.readAllBytes();
        }
    }

    private ManifestDataset dataset(Path manifest, String speakerPattern, String onBadAudio) {
        return new ManifestDataset(new ManifestConfig(manifest.toString(), speakerPattern, onBadAudio, null, null));
    }

    @Test
    void readsAudioWordsPhonesAndClustersBack() throws IOException {
        ManifestDataset d = dataset(tsv, "^([^/]+)/", null);
        assertEquals(dir.resolve("audio"), d.root());
        List<Utterance> u = d.utterances();
        assertEquals(List.of("spk1/a", "spk1/b", "spk2/c"), u.stream().map(Utterance::id).toList());
        assertEquals(List.of("spk1", "spk1", "spk2"), u.stream().map(Utterance::speaker).toList());
        assertEquals(List.of("HELLO WORLD", "SPEECH FROM A FLAC FILE", "A CD RATE TONE"),
                u.stream().map(Utterance::text).toList());
        assertEquals(List.of(1.0, 2.5, 0.5), u.stream().map(Utterance::seconds).toList());
        assertTrue(d.hasClusters());
        assertArrayEquals(new int[] {1, 1, 2, 3, 5, 8}, d.clusters(u.get(0)));
        assertArrayEquals(new int[] {13, 21, 34, 55, 89, 144, 233, 377, 610}, d.clusters(u.get(1)));
        assertArrayEquals(new int[0], d.clusters(u.get(2)));
        assertTrue(d.hasPhoneLabels());
        assertEquals(List.of("hh", "ah", "l", "ow", "w", "er", "l", "d"), d.phoneLabels(u.get(0)));
        assertEquals(List.of(), d.phoneLabels(u.get(2)));
        for (Utterance x : u) {
            Waveform w = d.audio(x);
            assertEquals(Math.round(x.seconds() * Waveform.RATE), w.length(), x.id());
        }
        assertTrue(dataset(tsv, null, null).utterances().stream().noneMatch(Utterance::hasSpeaker));
    }

    @Test
    void badLinesAreSkippedWithReasons() throws IOException {
        List<SkippedFile> skipped = dataset(tsv, null, null).skipped();
        Path root = dir.resolve("audio");
        assertEquals(List.of(
                new SkippedFile("../outside.wav", "the path leaves the root folder " + root
                        + " (manifest paths must be relative and stay inside it)"),
                new SkippedFile("/etc/hostname", "the path leaves the root folder " + root
                        + " (manifest paths must be relative and stay inside it)"),
                new SkippedFile("line 8", "expected relative/path<TAB>num_samples, got no tab"),
                new SkippedFile("spk2/d.wav", "truncated: the data chunk declares 32000 bytes but only 956 follow"),
                new SkippedFile("spk2/missing.wav", "cannot open: no such file")), skipped);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dataset(tsv, null, "fail").utterances());
        assertTrue(e.getMessage().startsWith("5 of 8 files in " + tsv + " cannot be used (on_bad_audio: fail): "
                + "../outside.wav: the path leaves the root folder"), e.getMessage());
    }

    /**
     * The root check follows links: a link inside the root to a file outside it, or to a folder outside it, is
     * refused (and nothing of that file is printed), a link to a file inside is used, a link loop is reported, and
     * a root that is itself a link still holds its files. NaN and one-sample files are refused with their reasons.
     */
    @Test
    void linksAreCheckedByWhereTheyLeadAndBadSamplesAreRefused() throws IOException {
        Path audio = dir.resolve("audio");
        Path spk3 = Files.createDirectories(audio.resolve("spk3"));
        Path secret = Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Files.createSymbolicLink(spk3.resolve("secret.wav"), secret);
        Files.createSymbolicLink(spk3.resolve("inside.wav"), Path.of("../spk1/a.wav"));
        Files.createSymbolicLink(spk3.resolve("loop.wav"), Path.of("loop2.wav"));
        Files.createSymbolicLink(spk3.resolve("loop2.wav"), Path.of("loop.wav"));
        float[] nan = TestWavs.tone(300, 0.5, 16000, 0.3);
        nan[1234] = Float.NaN;
        TestWavs.write(spk3.resolve("nan.wav"), TestWavs.encode(16000, 32, TestWavs.IEEE_FLOAT, false, false, nan));
        TestWavs.write(spk3.resolve("one.wav"), TestWavs.encode(16000, 16, PCM, false, false, new float[] {0.1f}));
        Files.createSymbolicLink(dir.resolve("linked-audio"), audio);
        // A real file in a linked folder: the file is no link, its folder leads out.
        TestWavs.write(dir.resolve("elsewhere/elsewhere.wav"), TestWavs.encode(16000, 16, PCM, false, false,
                TestWavs.tone(440, 0.5, 16000, 0.5)));
        Files.createSymbolicLink(audio.resolve("spk4"), dir.resolve("elsewhere"));
        Path links = Files.writeString(dir.resolve("manifests/links.tsv"), "../linked-audio\n"
                + "spk1/a.wav\t16000\nspk3/secret.wav\t10\nspk3/inside.wav\t16000\nspk3/loop.wav\t1\n"
                + "spk3/nan.wav\t8000\nspk3/one.wav\t1\nspk4/elsewhere.wav\t8000\n");
        ManifestDataset d = new ManifestDataset(new ManifestConfig(links.toString(), null, null, null, true));
        assertEquals(List.of("spk1/a", "spk3/inside"), d.utterances().stream().map(Utterance::id).toList());
        assertEquals(List.of(
                new SkippedFile("spk3/loop.wav", "a symbolic link loop (following it leads back to a link already "
                        + "followed); remove it or point it at an audio file"),
                new SkippedFile("spk3/nan.wav", "sample 1234 at 0.077 s is NaN (float audio must hold finite samples)"),
                new SkippedFile("spk3/one.wav", "too short: 1 sample (0.06 ms) of audio, less than the 25 ms (400 "
                        + "samples at 16 kHz) a frontend needs for one frame; remove it or join it to a longer "
                        + "recording"),
                new SkippedFile("spk3/secret.wav", "leads through a symbolic link to " + secret.toRealPath()
                        + ", outside the root folder " + dir.resolve("linked-audio") + " (manifest paths must stay "
                        + "inside it): copy the file into the root or remove the line"),
                new SkippedFile("spk4/elsewhere.wav", "leads through a symbolic link to "
                        + dir.resolve("elsewhere/elsewhere.wav").toRealPath() + ", outside the root folder "
                        + dir.resolve("linked-audio") + " (manifest paths must stay inside it): copy the file into "
                        + "the root or remove the line")), d.skipped());
        assertTrue(d.skipped().stream().noneMatch(f -> f.reason().contains("root:")), d.skipped().toString());
    }

    @Test
    void lettersBecomeWordsWhenThereIsNoWordFile() throws IOException {
        Files.delete(tsv.resolveSibling("train.wrd"));
        List<Utterance> u = dataset(tsv, null, null).utterances();
        assertEquals(List.of("HELLO WORLD", "SPEECH FROM A FLAC FILE", "A CD RATE TONE"),
                u.stream().map(Utterance::text).toList());
        Files.delete(tsv.resolveSibling("train.ltr"));
        Files.delete(tsv.resolveSibling("train.km"));
        ManifestDataset bare = dataset(tsv, null, null);
        assertTrue(bare.utterances().stream().allMatch(x -> x.text() == null));
        assertFalse(bare.hasClusters());
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> bare.clusters(bare.utterances().get(0)));
        assertEquals("there is no .km file beside " + tsv, none.getMessage());
    }

    @Test
    void labelFilesMustMatchTheManifestLineByLine() throws IOException {
        Path km = tsv.resolveSibling("train.km");
        Files.writeString(km, "1 2\n3 4\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dataset(tsv, null, null).utterances());
        assertEquals(km + " has 2 lines but " + tsv + " lists 8 audio files: label files must match the manifest line "
                + "by line (regenerate them together)", e.getMessage());
        Files.writeString(km, "1 x\n\n\n\n\n\n\n\n");
        ManifestDataset d = dataset(tsv, null, null);
        IOException bad = assertThrows(IOException.class, () -> d.clusters(d.utterances().get(0)));
        assertEquals(km + " line 1: 'x' is not a cluster id (the .km file must hold integers)", bad.getMessage());
    }

    @Test
    void aManifestWithoutAUsableRootIsRejected() throws IOException {
        Path bad = Files.writeString(dir.resolve("manifests/bad.tsv"), "../nowhere\nx.wav\t1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dataset(bad, null, null).utterances());
        assertEquals(bad + " line 1 names the audio root " + dir.resolve("nowhere") + ", which is not a folder: fix the "
                + "first line of the manifest", e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> dataset(dir.resolve("none.tsv"), null, null));
        assertTrue(missing.getMessage().startsWith("tsv " + dir.resolve("none.tsv") + " does not exist"),
                missing.getMessage());
    }

    @Test
    void configIsBoundAndValidatedLikeARecipe() throws Exception {
        ObjectMapper mapper = ConfigBinder.MAPPER;
        ManifestConfig c = mapper.readValue("{\"tsv\": \"m/train.tsv\", \"speaker_pattern\": \"^(\\\\d+)/\"}",
                ManifestConfig.class);
        assertEquals(new ManifestConfig("m/train.tsv", "^(\\d+)/", "skip", 3600.0, false), c);
        assertNull(mapper.readValue("{\"tsv\": \"x\"}", ManifestConfig.class).speakerPattern());
        assertThrows(UnrecognizedPropertyException.class,
                () -> mapper.readValue("{\"tsv\": \"x\", \"root\": \"y\"}", ManifestConfig.class));
        ValueInstantiationException e = assertThrows(ValueInstantiationException.class,
                () -> mapper.readValue("{\"tsv\": \"x\", \"speaker_pattern\": \"(\"}", ManifestConfig.class));
        assertTrue(e.getCause().getMessage().startsWith("speaker_pattern is not a valid regular expression: "),
                e.getCause().getMessage());
    }
}
