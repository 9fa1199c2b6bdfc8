package dev.pretext.datasets.tts;

import dev.pretext.api.RunContext;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Utterance;
import dev.pretext.testkit.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TtsDatasetTest {
    @Test
    void defaultCorpusIsTenMinutesOfEightSpeakersInTheCache(@TempDir Path temp) throws IOException {
        RunContext context = TestRuns.context(temp, 2024);
        TtsDataset dataset = new TtsDataset(TtsConfig.defaults(), context);
        assertEquals(2024L, dataset.config().seed(), "the run seed is the default");
        assertTrue(dataset.dir().startsWith(context.cacheDir().resolve("tts")), dataset.dir().toString());

        TtsCorpus.Result corpus = dataset.corpus();
        assertTrue(corpus.audioSeconds() >= 600, "seconds " + corpus.audioSeconds());
        List<Utterance> utterances = dataset.utterances();
        Set<String> speakers = new HashSet<>();
        long keywords = 0;
        for (Utterance u : utterances) {
            speakers.add(u.speaker());
            if (!u.text().contains(" ")) {
                keywords++;
            }
        }
        assertEquals(8, speakers.size());
        double share = keywords / (double) utterances.size();
        assertTrue(share > 0.2 && share < 0.4, "keyword share " + share);
        System.err.printf("tts: %.1f s of audio in %.2f s on %d threads = %.0fx real time, %d utterances%n",
                corpus.audioSeconds(), corpus.synthesisSeconds(), corpus.threads(), corpus.realTimeFactor(),
                utterances.size());

        Utterance first = utterances.get(0);
        Waveform audio = dataset.audio(first);
        assertEquals(Waveform.RATE, audio.sampleRate());
        assertEquals(first.seconds(), audio.seconds(), 1e-9);
    }

    @Test
    void utterancesAreMadeOnceEvenWhenAskedConcurrently(@TempDir Path temp) throws Exception {
        TtsDataset dataset = new TtsDataset(new TtsConfig(temp.resolve("c").toString(), 0.1, 2, 1L, 0.5),
                TestRuns.context(temp, 9));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<Utterance>>> calls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                calls.add(pool.submit(dataset::utterances));
            }
            List<Utterance> first = calls.get(0).get();
            for (Future<List<Utterance>> call : calls) {
                assertSame(first, call.get());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(temp.resolve("c").toAbsolutePath(), dataset.dir());
    }

    @Test
    void explicitSeedOverridesTheRunSeed(@TempDir Path temp) throws IOException {
        TtsConfig config = new TtsConfig(null, 0.05, 2, 77L, 0.5);
        TtsDataset a = new TtsDataset(config, TestRuns.context(temp.resolve("a"), 1));
        TtsDataset b = new TtsDataset(config, TestRuns.context(temp.resolve("b"), 2));
        assertEquals(a.utterances().stream().map(Utterance::text).toList(),
                b.utterances().stream().map(Utterance::text).toList());
    }

    @Test
    void brokenAudioFileIsReportedWithItsName(@TempDir Path temp) throws IOException {
        TtsDataset dataset = new TtsDataset(new TtsConfig(null, 0.05, 1, 5L, 0.0), TestRuns.context(temp, 5));
        Utterance u = dataset.utterances().get(0);
        Files.write(u.audio(), new byte[] {1, 2, 3});
        IOException e = assertThrows(IOException.class, () -> dataset.audio(u));
        assertTrue(e.getMessage().contains(u.audio().toString()), e.getMessage());
    }

    @Test
    void badSettingsAreRejectedWithTheKeyAndRange() {
        assertMessage("minutes must be in (0, 6000], got -1.0", () -> new TtsConfig(null, -1.0, null, null, null));
        assertMessage("speakers must be in [1, 1000], got 0", () -> new TtsConfig(null, null, 0, null, null));
        assertMessage("keyword_share must be in [0, 1], got 1.5", () -> new TtsConfig(null, null, null, null, 1.5));
        assertMessage("dir must be a folder path", () -> new TtsConfig(" ", null, null, null, null));
        TtsConfig defaults = TtsConfig.defaults();
        assertEquals(10.0, defaults.minutes());
        assertEquals(8, defaults.speakers());
        assertEquals(0.3, defaults.keywordShare());
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }
}
