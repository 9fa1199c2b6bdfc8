package dev.pretext.datasets.tts;

import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.PhoneSegment;
import dev.pretext.api.data.Utterance;
import dev.pretext.testkit.Signals;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real FreeTTS synthesis of a half-minute corpus, checked as audio and as labels. */
class TtsCorpusTest {
    private static final TtsConfig HALF_MINUTE = new TtsConfig(null, 0.5, 4, 11L, 0.3);
    private static final Set<String> VOWELS = Set.of(
            "aa", "ae", "ah", "ao", "aw", "ay", "eh", "er", "ey", "ih", "iy", "ow", "oy", "uh", "uw");

    @TempDir
    static Path shared;
    static TtsCorpus.Result corpus;

    @BeforeAll
    static void synthesise() throws IOException {
        corpus = TtsCorpus.synthesize(HALF_MINUTE, shared.resolve("corpus"));
    }

    private static float[] audio(Utterance u) throws IOException {
        return Wav16.read(u.audio(), Waveform.RATE);
    }

    @Test
    void producesAboutHalfAMinuteOfKeywordsAndSentences() {
        assertFalse(corpus.reused());
        assertTrue(corpus.audioSeconds() >= 30 && corpus.audioSeconds() < 36, "total " + corpus.audioSeconds());
        long keywords = corpus.utterances().stream().filter(u -> !u.text().contains(" ")).count();
        assertTrue(keywords >= 1 && keywords < corpus.utterances().size(), keywords + " keywords");
        for (Utterance u : corpus.utterances()) {
            String[] words = u.text().split(" ");
            assertTrue(words.length == 1 ? Texts.KEYWORDS.contains(words[0]) : words.length >= 3, u.text());
            assertTrue(u.hasSpeaker() && u.speaker().startsWith("kevin16-p"), u.speaker());
        }
    }

    @Test
    void audioIsSpeechLikeAndAsLongAsTheManifestSays() throws IOException {
        for (Utterance u : corpus.utterances()) {
            float[] x = audio(u);
            assertEquals(Math.round(u.seconds() * Waveform.RATE), x.length, u.id());
            assertTrue(Signals.rms(x) > 0.02, u.id() + " rms " + Signals.rms(x));
            // Speech alternates loud vowels and near-silence; a tone or noise would not.
            double[] frames = frameRms(x);
            Arrays.sort(frames);
            double quiet = frames[frames.length / 10];
            double loud = frames[frames.length * 9 / 10];
            assertTrue(loud > 10 * quiet, u.id() + " loud " + loud + " quiet " + quiet);
            // FreeTTS renders in int and keeps the low 16 bits: an overflow would show as a near full-scale flip.
            for (int i = 1; i < x.length; i++) {
                assertTrue(Math.abs(x[i] - x[i - 1]) < 1.5, u.id() + ": a jump at sample " + i + " looks like 16-bit wrap-around");
            }
        }
    }

    @Test
    void phonesAreContiguousCoverTheAudioAndUseTheCommonSet() {
        for (Utterance u : corpus.utterances()) {
            List<PhoneSegment> phones = u.phones();
            assertEquals(0.0, phones.get(0).start(), u.id());
            assertEquals("sil", phones.get(0).phone(), u.id());
            assertEquals("sil", phones.get(phones.size() - 1).phone(), u.id());
            for (int i = 1; i < phones.size(); i++) {
                assertEquals(phones.get(i - 1).end(), phones.get(i).start(), u.id() + " gap before phone " + i);
                assertFalse(phones.get(i - 1).phone().equals("sil") && phones.get(i).phone().equals("sil"),
                        "adjacent silences are merged");
            }
            assertEquals(u.seconds(), phones.get(phones.size() - 1).end(), 0.02, u.id() + " coverage");
            for (PhoneSegment p : phones) {
                assertTrue(PhoneSet.COMMON.contains(p.phone()), p.phone());
                assertTrue(p.end() > p.start(), u.id() + " empty " + p);
            }
        }
    }

    @Test
    void phoneTimesLineUpWithTheSound() throws IOException {
        // Vowels are the loudest sounds and silences digital near-zero: measured ~17000x apart; shifting every
        // time by 15-20 ms drops the contrast below 1000x.
        double vowelEnergy = 0;
        double vowelTime = 0;
        double silenceEnergy = 0;
        double silenceTime = 0;
        for (Utterance u : corpus.utterances()) {
            float[] x = audio(u);
            for (PhoneSegment p : u.phones()) {
                int from = (int) Math.round(p.start() * Waveform.RATE);
                int to = Math.min(x.length, (int) Math.round(p.end() * Waveform.RATE));
                double e = 0;
                for (int i = from; i < to; i++) {
                    e += x[i] * (double) x[i];
                }
                if (VOWELS.contains(p.phone())) {
                    vowelEnergy += e;
                    vowelTime += to - from;
                } else if (p.phone().equals("sil")) {
                    silenceEnergy += e;
                    silenceTime += to - from;
                }
            }
        }
        double vowelPower = vowelEnergy / vowelTime;
        double silencePower = silenceEnergy / silenceTime;
        assertTrue(vowelPower > 1000 * silencePower, "vowel " + vowelPower + " vs silence " + silencePower);
    }

    @Test
    void speakersDifferInMeasuredPitch() throws IOException {
        Map<String, List<Double>> f0BySpeaker = new TreeMap<>();
        Map<String, Integer> configured = new LinkedHashMap<>();
        for (SpeakerVoice v : Speakers.forSeed(HALF_MINUTE.seed(), HALF_MINUTE.speakers())) {
            configured.put(v.label(), v.pitchHz());
        }
        for (Utterance u : corpus.utterances()) {
            f0BySpeaker.computeIfAbsent(u.speaker(), k -> new ArrayList<>()).addAll(Pitch.voicedF0(audio(u)));
        }
        assertEquals(configured.keySet(), f0BySpeaker.keySet(), "every speaker speaks");
        List<String> byPitch = new ArrayList<>(configured.keySet());
        byPitch.sort((a, b) -> Integer.compare(configured.get(a), configured.get(b)));
        double previous = 0;
        StringBuilder report = new StringBuilder("median F0 by speaker:");
        for (String s : byPitch) {
            double median = Pitch.median(f0BySpeaker.get(s));
            report.append(String.format(" %s=%.1f Hz (%d frames)", s, median, f0BySpeaker.get(s).size()));
            assertTrue(median > previous, report.toString());
            previous = median;
        }
        double low = Pitch.median(f0BySpeaker.get(byPitch.get(0)));
        double high = Pitch.median(f0BySpeaker.get(byPitch.get(byPitch.size() - 1)));
        assertTrue(high > 1.5 * low, report.toString());
        System.err.println(report);
    }

    @Test
    void sameSeedGivesIdenticalBytes(@TempDir Path other) throws IOException {
        TtsCorpus.Result again = TtsCorpus.synthesize(HALF_MINUTE, other.resolve("again"));
        assertFalse(again.reused());
        assertArrayEquals(Files.readAllBytes(corpus.dir().resolve(TtsCorpus.MANIFEST)),
                Files.readAllBytes(again.dir().resolve(TtsCorpus.MANIFEST)));
        assertEquals(corpus.utterances().size(), again.utterances().size());
        for (int i = 0; i < corpus.utterances().size(); i++) {
            assertArrayEquals(Files.readAllBytes(corpus.utterances().get(i).audio()),
                    Files.readAllBytes(again.utterances().get(i).audio()), corpus.utterances().get(i).id());
        }
    }

    @Test
    void differentSeedGivesDifferentText(@TempDir Path other) throws IOException {
        TtsConfig reseeded = new TtsConfig(null, 0.5, 4, 12L, 0.3);
        List<String> a = corpus.utterances().stream().map(Utterance::text).toList();
        List<String> b = TtsCorpus.synthesize(reseeded, other.resolve("c")).utterances().stream()
                .map(Utterance::text).toList();
        assertNotEquals(a, b);
        assertNotEquals(TtsCorpus.defaultDir(HALF_MINUTE, other), TtsCorpus.defaultDir(reseeded, other));
    }

    @Test
    void completeCorpusIsReusedFromDisk() throws IOException {
        Path wav = corpus.utterances().get(0).audio();
        FileTime before = Files.getLastModifiedTime(wav);
        TtsCorpus.Result again = TtsCorpus.synthesize(HALF_MINUTE, corpus.dir());
        assertTrue(again.reused());
        assertEquals(corpus.utterances(), again.utterances());
        assertEquals(before, Files.getLastModifiedTime(wav));
    }

    @Test
    void halfWrittenCorpusIsRegenerated(@TempDir Path other) throws IOException {
        Path dir = other.resolve("half");
        TtsCorpus.Result first = TtsCorpus.synthesize(HALF_MINUTE, dir);
        byte[] manifest = Files.readAllBytes(dir.resolve(TtsCorpus.MANIFEST));
        // As if the process died after writing the manifest and some audio but before the marker.
        Files.delete(dir.resolve(TtsCorpus.COMPLETE));
        Files.delete(first.utterances().get(first.utterances().size() - 1).audio());
        TtsCorpus.Result second = TtsCorpus.synthesize(HALF_MINUTE, dir);
        assertFalse(second.reused());
        assertTrue(Files.isRegularFile(dir.resolve(TtsCorpus.COMPLETE)));
        assertArrayEquals(manifest, Files.readAllBytes(dir.resolve(TtsCorpus.MANIFEST)));
        assertTrue(Files.isRegularFile(second.utterances().get(second.utterances().size() - 1).audio()));
        assertTrue(TtsCorpus.synthesize(HALF_MINUTE, dir).reused());
        try (var siblings = Files.list(other)) {
            assertEquals(List.of(dir), siblings.toList(), "no temporary folders are left behind");
        }
    }

    @Test
    void corpusWithOtherSettingsIsReplacedButAForeignFolderIsNot(@TempDir Path other) throws IOException {
        Path dir = other.resolve("c");
        TtsCorpus.synthesize(new TtsConfig(null, 0.05, 2, 3L, 0.5), dir);
        TtsCorpus.Result replaced = TtsCorpus.synthesize(new TtsConfig(null, 0.05, 2, 4L, 0.5), dir);
        assertFalse(replaced.reused());
        assertTrue(Files.readString(dir.resolve(TtsCorpus.COMPLETE)).contains("seed=4"));

        Path foreign = Files.createDirectories(other.resolve("mine"));
        Files.writeString(foreign.resolve("notes.txt"), "keep me");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TtsCorpus.synthesize(HALF_MINUTE, foreign));
        assertTrue(e.getMessage().contains("not a tts corpus"), e.getMessage());
        assertTrue(Files.exists(foreign.resolve("notes.txt")));
    }

    @Test
    void speakerLabelsAreDistinctAndSpreadOverThePitchRange() {
        List<SpeakerVoice> voices = Speakers.forSeed(5, Speakers.MAX);
        Set<String> labels = new HashSet<>();
        for (SpeakerVoice v : voices) {
            assertTrue(labels.add(v.label()), "duplicate " + v.label());
            assertTrue(v.pitchHz() >= 80 && v.pitchHz() <= 200, v.label());
        }
        assertEquals(Speakers.forSeed(5, 8), Speakers.forSeed(5, 8));
        assertNotEquals(Speakers.forSeed(5, 8), Speakers.forSeed(6, 8));
    }

    private static double[] frameRms(float[] x) {
        int frame = 400;
        double[] r = new double[Math.max(1, x.length / frame)];
        for (int f = 0; f < r.length; f++) {
            double s = 0;
            for (int i = f * frame; i < Math.min(x.length, (f + 1) * frame); i++) {
                s += x[i] * (double) x[i];
            }
            r[f] = Math.sqrt(s / frame);
        }
        return r;
    }
}
