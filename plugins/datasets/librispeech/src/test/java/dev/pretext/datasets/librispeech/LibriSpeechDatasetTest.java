package dev.pretext.datasets.librispeech;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Utterance;
import dev.pretext.core.recipe.ConfigBinder;
import dev.pretext.api.data.SkippedFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the committed tiny corpus (src/test/resources/LibriSpeech, made by the audio bundle's make_fixtures.py):
 * train-clean-100 with speakers 19 and 26, two chapters each, two utterances a chapter, and the transcript line
 * of 26-496-0001 left out; dev-clean with one utterance of speaker 84.
 */
class LibriSpeechDatasetTest {
    @TempDir
    Path root;

    @BeforeEach
    void copyCorpus() throws IOException, URISyntaxException {
        Path source = Path.of(LibriSpeechDatasetTest.class.getResource("/LibriSpeech").toURI());
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : walk.toList()) {
                Path target = root.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private LibriSpeechDataset dataset(List<String> subsets, String onBadAudio) {
        return new LibriSpeechDataset(new LibriSpeechConfig(root.toString(), subsets, onBadAudio, null, null));
    }

    @Test
    void listsUtterancesWithSpeakerIdsAndTranscripts() throws IOException {
        LibriSpeechDataset d = dataset(List.of("train-clean-100", "dev-clean"), null);
        List<Utterance> u = d.utterances();
        assertEquals(List.of("19-198-0000", "19-198-0001", "19-227-0000", "19-227-0001", "26-495-0000", "26-495-0001",
                "26-496-0000", "84-121123-0000"), u.stream().map(Utterance::id).toList());
        assertEquals(List.of("19", "19", "19", "19", "26", "26", "26", "84"), u.stream().map(Utterance::speaker).toList());
        assertEquals("HELLO WORLD", u.get(0).text());
        assertEquals("STILL HERE", u.get(6).text());
        assertEquals("DEVELOPMENT ONLY", u.get(7).text());
        assertEquals(root.resolve("train-clean-100/19/198/19-198-0000.flac"), u.get(0).audio());
        assertEquals(0.25, u.get(0).seconds(), 1e-9);
        assertEquals(0.30, u.get(1).seconds(), 1e-9);
        assertEquals(List.of(new SkippedFile("train-clean-100/26/496/26-496-0001.flac",
                "no line for 26-496-0001 in 26-496.trans.txt")), d.skipped());
        for (Utterance x : u) {
            Waveform w = d.audio(x);
            assertEquals(Math.round(x.seconds() * Waveform.RATE), w.length(), x.id());
        }
        // Subsets come in the order configured.
        assertEquals("84-121123-0000", dataset(List.of("dev-clean", "train-clean-100"), null).utterances().get(0).id());
    }

    @Test
    void badFilesAreSkippedWithReasonsOrRefuseTheListing() throws IOException {
        Path chapter = root.resolve("train-clean-100/19/198");
        byte[] good = Files.readAllBytes(chapter.resolve("19-198-0000.flac"));
        Files.write(chapter.resolve("19-198-0002.flac"), Arrays.copyOf(good, good.length / 2));
        Files.write(chapter.resolve("19-198-0003.flac"), new byte[0]);
        Files.writeString(chapter.resolve("19-198.trans.txt"), "19-198-0002 CUT SHORT\n19-198-0003 EMPTY\n",
                StandardOpenOption.APPEND);
        Files.write(chapter.resolve("notes.flac"), good);
        Files.write(root.resolve("train-clean-100/19/227/19-198-0009.flac"), good);
        Path lost = Files.createDirectories(root.resolve("train-clean-100/26/497"));
        Files.write(lost.resolve("26-497-0000.flac"), good);
        Files.write(root.resolve("train-clean-100/README.TXT"), new byte[] {1}); // not audio: not looked at

        LibriSpeechDataset d = dataset(List.of("train-clean-100"), null);
        assertEquals(7, d.utterances().size());
        List<String> skipped = d.skipped().stream().map(SkippedFile::toString).toList();
        assertEquals(6, skipped.size(), skipped.toString());
        assertEquals(List.of("train-clean-100/19/198/19-198-0002.flac: truncated: the file ends inside its first "
                + "frame (of 4000 samples)","train-clean-100/19/198/19-198-0003.flac: empty file (0 bytes)",
                "train-clean-100/19/198/notes.flac: the name does not follow <speaker>-<chapter>-<utterance>.flac",
                "train-clean-100/19/227/19-198-0009.flac: not in its folder train-clean-100/19/198/",
                "train-clean-100/26/496/26-496-0001.flac: no line for 26-496-0001 in 26-496.trans.txt",
                "train-clean-100/26/497/26-497-0000.flac: no transcript file 26-497.trans.txt beside it"),
                skipped);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dataset(List.of("train-clean-100"), "fail").utterances());
        assertTrue(e.getMessage().startsWith("6 of 13 files in " + root + " (subsets train-clean-100) cannot be used "
                + "(on_bad_audio: fail): train-clean-100/19/198/19-198-0002.flac: truncated"), e.getMessage());
    }

    /** A link loop named like an utterance is reported, not silently passed over; a link to a file is used. */
    @Test
    void linkLoopsAreReportedAndLinksFollowed() throws IOException {
        Path chapter = root.resolve("train-clean-100/19/198");
        Files.createSymbolicLink(chapter.resolve("19-198-0007.flac"), Path.of("19-198-0008.flac"));
        Files.createSymbolicLink(chapter.resolve("19-198-0008.flac"), Path.of("19-198-0007.flac"));
        Path moved = Files.move(chapter.resolve("19-198-0001.flac"), root.resolve("elsewhere.flac"));
        Files.createSymbolicLink(chapter.resolve("19-198-0001.flac"), moved);
        LibriSpeechDataset d = dataset(List.of("train-clean-100"), null);
        assertTrue(d.utterances().stream().anyMatch(u -> u.id().equals("19-198-0001")));
        String loop = "a symbolic link loop (following it leads back to a link already followed); remove it or "
                + "point it at an audio file";
        assertEquals(List.of(new SkippedFile("train-clean-100/19/198/19-198-0007.flac", loop),
                new SkippedFile("train-clean-100/19/198/19-198-0008.flac", loop),
                new SkippedFile("train-clean-100/26/496/26-496-0001.flac",
                        "no line for 26-496-0001 in 26-496.trans.txt")),
                d.skipped());
    }

    @Test
    void theSameUtteranceInTwoSubsetsIsKeptOnce() throws IOException {
        Path copy = Files.createDirectories(root.resolve("train-other-500/84/121123"));
        Path dev = root.resolve("dev-clean/84/121123");
        Files.copy(dev.resolve("84-121123-0000.flac"), copy.resolve("84-121123-0000.flac"));
        Files.copy(dev.resolve("84-121123.trans.txt"), copy.resolve("84-121123.trans.txt"));
        LibriSpeechDataset d = dataset(List.of("dev-clean", "train-other-500"), null);
        assertEquals(1, d.utterances().size());
        assertEquals(List.of(new SkippedFile("train-other-500/84/121123/84-121123-0000.flac",
                "the utterance id 84-121123-0000 is also dev-clean/84/121123/84-121123-0000.flac")), d.skipped());
    }

    @Test
    void missingFoldersAreRejectedAtConstruction() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dataset(List.of("train-clean-360"), null));
        assertEquals("subset 'train-clean-360' is not a folder in " + root + "; found: dev-clean, train-clean-100",
                e.getMessage());
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> new LibriSpeechDataset(
                new LibriSpeechConfig(root.resolve("nowhere").toString(), List.of("dev-clean"), null, null, null)));
        assertTrue(r.getMessage().startsWith("root folder " + root.resolve("nowhere") + " does not exist"),
                r.getMessage());
    }

    @Test
    void configIsBoundAndValidatedLikeARecipe() throws Exception {
        ObjectMapper mapper = ConfigBinder.MAPPER;
        LibriSpeechConfig c = mapper.readValue("{\"root\": \"data/LibriSpeech\", \"subsets\": [\"train-clean-100\", "
                + "\"train-clean-360\"]}", LibriSpeechConfig.class);
        assertEquals(new LibriSpeechConfig("data/LibriSpeech", List.of("train-clean-100", "train-clean-360"), "skip",
                3600.0, false), c);
        assertEquals(mapper.readTree("{\"root\":\"data/LibriSpeech\",\"subsets\":[\"train-clean-100\","
                + "\"train-clean-360\"],\"on_bad_audio\":\"skip\",\"max_audio_seconds\":3600.0,\"verify_audio\":false}"),
                mapper.valueToTree(c));
        assertThrows(UnrecognizedPropertyException.class, () -> mapper.readValue(
                "{\"root\": \"x\", \"subsets\": [\"a\"], \"hours\": 10}", LibriSpeechConfig.class));
        assertEquals("subsets is required, e.g. subsets: [train-clean-100]", cause(mapper, "{\"root\": \"x\"}"));
        assertEquals("subsets names a twice", cause(mapper, "{\"root\": \"x\", \"subsets\": [\"a\", \"a\"]}"));
        assertEquals("subsets must be folder names under root, e.g. train-clean-100, got '../x'",
                cause(mapper, "{\"root\": \"x\", \"subsets\": [\"../x\"]}"));
        assertTrue(cause(mapper, "{\"subsets\": [\"a\"]}").startsWith("root is required"));
    }

    private static String cause(ObjectMapper mapper, String json) {
        ValueInstantiationException e = assertThrows(ValueInstantiationException.class,
                () -> mapper.readValue(json, LibriSpeechConfig.class));
        return e.getCause().getMessage();
    }
}
