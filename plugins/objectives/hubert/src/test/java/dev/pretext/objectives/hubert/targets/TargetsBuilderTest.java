package dev.pretext.objectives.hubert.targets;

import dev.pretext.api.data.Utterance;
import dev.pretext.datasets.tts.TtsDataset;
import dev.pretext.objectives.hubert.Speech;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The targets stage end to end on synthetic speech with phone alignments. */
class TargetsBuilderTest {
    @Test
    void mfccTargetsOfSpeechFollowThePhonesAndAreReproducible(@TempDir Path temp) throws Exception {
        TtsDataset data = Speech.corpus();
        List<Utterance> utterances = data.utterances();
        // 8 passes keep the test short; the default is 20
        TargetSettings settings = TargetSettings.defaults(5).withThreads(2).withIterations(8);
        TargetsBuilder.Summary summary = TargetsBuilder.build(utterances, data::audio, settings,
                temp.resolve("a"), System.err::println);
        TargetsInfo info = summary.info();
        assertEquals(Targets.FORMAT, info.format());
        assertEquals("mfcc", info.featureKind());
        assertEquals(39, info.featureDim());
        assertEquals(100.0, info.labelRate());
        assertEquals(100, info.clusters());
        assertEquals(5, info.seed());
        assertEquals(utterances.size(), info.utterances());
        TargetsInfo.Quality q = info.quality();
        assertNotNull(q);
        System.err.printf("mfcc k-means on %.0f s of tts speech (%d utterances, %,d frames), k=100, %d passes: "
                        + "PNMI %.3f, phone purity %.3f, cluster purity %.3f over %d phones; %.1f s in all, "
                        + "k-means %.0f frames/s (MFCC included, 2 threads)%n",
                utterances.stream().mapToDouble(Utterance::seconds).sum(), utterances.size(), info.frames(),
                info.passes(), q.pnmi(), q.phonePurity(), q.clusterPurity(), q.phones(), summary.seconds(),
                summary.kmeansFramesPerSecond());
        assertTrue(q.pnmi() > 0.25 && q.pnmi() < 1, "PNMI " + q.pnmi());
        assertTrue(q.phonePurity() > 0.2, "phone purity " + q.phonePurity());

        Targets read = Targets.read(temp.resolve("a"));
        assertEquals(info, read.info());
        assertEquals(utterances.size(), read.labels().size());
        long frames = 0;
        for (Utterance u : utterances) {
            int[] labels = read.labels().get(u.id());
            assertNotNull(labels, u.id());
            assertEquals(Mfcc.frameCount(data.audio(u).length()), labels.length, u.id());
            frames += labels.length;
        }
        assertEquals(info.frames(), frames);
        assertEquals(100, read.centroids().k());

        assertTrue(Files.notExists(temp.resolve("a").resolve(".features")), "spilled features were left behind");

        // one thread, features computed on every pass instead of spilled, same seed: the same files byte for byte
        TargetsBuilder.build(utterances, data::audio, settings.withThreads(1).withSpill(false), temp.resolve("b"),
                s -> { });
        for (String file : new String[]{Targets.LABELS, Targets.UTTERANCES, Targets.CENTROIDS, Targets.INFO}) {
            assertArrayEquals(Files.readAllBytes(temp.resolve("a").resolve(file)),
                    Files.readAllBytes(temp.resolve("b").resolve(file)), file);
        }
    }

    @Test
    void kmFilesRoundTripAndFollowFairseqsFormat(@TempDir Path temp) throws Exception {
        Planted source = new Planted(6, 3, 2);
        List<Utterance> utterances = source.utterances(9);
        Centroids centroids = new Centroids(source.centres, 6, 3);
        TargetSettings settings = new TargetSettings(6, 0, 0, 6, 3, 2, false);
        TargetsInfo info = TargetsBuilder.label(utterances, source, centroids, settings, 0, temp, s -> { });
        Targets read = Targets.read(temp);
        assertEquals(info, read.info());
        assertEquals(1.0, info.quality().pnmi(), 1e-9);
        List<String> lines = Files.readAllLines(temp.resolve(Targets.LABELS));
        List<String> ids = Files.readAllLines(temp.resolve(Targets.UTTERANCES));
        assertEquals(9, lines.size());
        int i = 0;
        for (Map.Entry<String, int[]> e : read.labels().entrySet()) {
            assertEquals("u" + i, e.getKey());
            assertTrue(ids.get(i).startsWith("u" + i + "\t"));
            // labels equal the planted centres, written as space-separated integers
            assertArrayEquals(source.plan(i), e.getValue());
            assertTrue(lines.get(i).matches("[0-9]+( [0-9]+)*"), lines.get(i));
            assertArrayEquals(e.getValue(), Targets.parseLine(Targets.formatLine(e.getValue())));
            i++;
        }
        assertArrayEquals(centroids.values(), read.centroids().values());
        assertArrayEquals(new int[0], Targets.parseLine(""));
    }

    @Test
    void unfinishedOrBrokenFoldersAreClearErrors(@TempDir Path temp) throws Exception {
        assertMessage("targets folder " + temp.resolve("nope") + " does not exist", () -> Targets.read(temp.resolve("nope")));
        Planted source = new Planted(4, 2, 1);
        List<Utterance> utterances = source.utterances(3);
        TargetsBuilder.label(utterances, source, new Centroids(source.centres, 4, 2), new TargetSettings(4, 0, 0, 4,
                1, 1, false), 0, temp, s -> { });
        List<String> lines = Files.readAllLines(temp.resolve(Targets.LABELS));
        Files.write(temp.resolve(Targets.LABELS), lines.subList(0, 2));
        assertMessage(temp.resolve(Targets.LABELS) + " has 2 lines but utterances.tsv lists 3 utterances",
                () -> Targets.read(temp));
        Files.write(temp.resolve(Targets.LABELS), List.of(lines.get(0), lines.get(1) + " 1", lines.get(2)));
        assertMessage(temp.resolve(Targets.LABELS) + " line 2 (utterance u1) has ", () -> Targets.read(temp));
        Files.delete(temp.resolve(Targets.INFO));
        assertMessage("targets folder " + temp + " has no targets.json", () -> Targets.read(temp));
    }

    @Test
    void utterancesWithoutPhonesGiveNoQualityAndDuplicateIdsAreRefused(@TempDir Path temp) {
        Planted source = new Planted(4, 2, 1);
        List<Utterance> bare = source.utterances(3).stream()
                .map(u -> new Utterance(u.id(), u.audio(), u.seconds(), null, null, null)).toList();
        TargetsInfo info = TargetsBuilder.label(bare, source, new Centroids(source.centres, 4, 2),
                new TargetSettings(4, 0, 0, 4, 1, 1, false), 0, temp, s -> { });
        assertNull(info.quality());
        List<Utterance> twice = List.of(bare.get(0), bare.get(0));
        assertMessage("utterance id u0 occurs twice", () -> TargetsBuilder.build(twice, source,
                new TargetSettings(4, 1, 0, 4, 1, 1, false), temp, s -> { }));
    }

    private static void assertMessage(String start, org.junit.jupiter.api.function.Executable run) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
