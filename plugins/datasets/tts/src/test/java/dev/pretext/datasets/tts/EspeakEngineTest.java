package dev.pretext.datasets.tts;

import dev.pretext.api.data.PhoneSegment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** EspeakEngine against the real libespeak-ng (Debian's espeak-ng must be installed). */
class EspeakEngineTest {
    private static final String SENTENCE = "the farmer saw my old dog near the river yesterday and the teacher laughed";
    private static final Set<String> VOWELS = Set.of(
            "aa", "ae", "ah", "ao", "aw", "ay", "eh", "er", "ey", "ih", "iy", "ow", "oy", "uh", "uw");
    private static final Set<String> VOICELESS_OBSTRUENTS = Set.of("p", "t", "k", "f", "th", "s", "sh", "hh", "ch");

    private static EspeakEngine engine;

    @BeforeAll
    static void open() {
        engine = new EspeakEngine(2);
    }

    private static EngineVoice voice(String name) {
        return engine.voices().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    private static Prosody natural(EngineVoice v) {
        double pitch = (v.lowHz() + v.highHz()) / 2;
        return new Prosody(pitch, 0.1 * pitch, 1.0);
    }

    private static List<String> labels(Synthesis s) {
        return s.phones().stream().map(PhoneSegment::phone).toList();
    }

    @Test
    void isInstalledHere() {
        assertEquals(Optional.empty(), EspeakEngine.missing());
    }

    @Test
    void aMissingLibraryOrVoiceIsReportedWithWhatToInstall() {
        String noLibrary = EspeakEngineLibrary.check("libespeak-ng-absent.so.9", List.of("en-us")).orElseThrow();
        assertTrue(noLibrary.contains("libespeak-ng-absent.so.9")
                && noLibrary.contains("sudo apt-get install espeak-ng"), noLibrary);
        // espeak falls back silently on an unknown variant: the check must not
        String noVariant = EspeakEngineLibrary.check(List.of("en-us", "en-us+nosuch")).orElseThrow();
        assertTrue(noVariant.contains("'en-us+nosuch'"), noVariant);
        EngineVoice unknown = new EngineVoice("espeak", "en-us+nosuch", "espeak-en-us+nosuch", 90, 140);
        assertThrows(IllegalArgumentException.class, () -> engine.speak(unknown, new Prosody(100, 10, 1), "yes"));
    }

    @Test
    void voicesSpreadOverAccentsAndGenders() {
        List<EngineVoice> voices = engine.voices();
        assertEquals(EspeakEngine.ACCENT_FILES.size() * EspeakEngine.VARIANTS.size(), voices.size());
        assertEquals(voices.size(), voices.stream().map(EngineVoice::name).distinct().count());
        for (EngineVoice v : voices) {
            assertEquals("espeak", v.engine());
            assertEquals("espeak-" + v.name(), v.person());
            boolean female = v.lowHz() >= 160;
            assertTrue(female ? v.highHz() <= 250 : v.lowHz() >= 85 && v.highHz() <= 150, v.toString());
        }
        // the first eight: every accent once, half of them female
        List<EngineVoice> first = voices.subList(0, 8);
        assertEquals(EspeakEngine.ACCENT_FILES.keySet(),
                first.stream().map(v -> v.name().split("\\+")[0]).collect(Collectors.toSet()));
        assertEquals(4, first.stream().filter(v -> v.lowHz() >= 160).count());
    }

    @Test
    void speaksSpeechLikeAudioWithContiguousCommonPhones() throws IOException {
        for (EngineVoice v : engine.voices().subList(0, 8)) {
            Synthesis s = engine.speak(v, natural(v), SENTENCE);
            assertEquals(22_050, s.sampleRate());
            // 14 words at espeak's 175 words per minute: about 4 s
            assertTrue(s.seconds() > 3 && s.seconds() < 6, v.name() + " lasted " + s.seconds() + " s");
            double rms = EspeakSignals.rms(s.samples(), 0, s.samples().length);
            assertTrue(rms > 1000, v.name() + " is too quiet: rms " + rms);
            List<PhoneSegment> phones = s.phones();
            assertEquals(0, phones.get(0).start());
            assertEquals(s.seconds(), phones.get(phones.size() - 1).end(), 1e-9);
            for (int i = 1; i < phones.size(); i++) {
                assertEquals(phones.get(i - 1).end(), phones.get(i).start(), 1e-12, v.name() + " has a gap");
            }
            assertTrue(PhoneSet.COMMON.containsAll(labels(s)), v.name() + ": " + labels(s));
            assertEquals("sil", phones.get(0).phone());
            assertEquals("sil", phones.get(phones.size() - 1).phone());
            assertTrue(phones.size() > 40, v.name() + ": " + labels(s));
        }
        // American English, phone by phone: the d of "old" and the d of "dog" stay two phones
        Synthesis us = engine.speak(voice("en-us"), natural(voice("en-us")), "the farmer saw my old dog");
        assertEquals(List.of("sil", "dh", "ah", "f", "aa", "r", "m", "er", "s", "ao", "m", "ay", "ow", "l", "d",
                "d", "aa", "g", "sil"), labels(us));
    }

    @Test
    void theLinkBetweenAnIAndAVowelIsAGlideNotASilence() throws IOException {
        // espeak links "every orange" with an unnamed [j] (named in the Scottish table)
        for (String accent : List.of("en-us", "en-gb", "en-gb-scotland")) {
            Synthesis s = engine.speak(voice(accent), natural(voice(accent)), "carry every orange");
            List<String> phones = labels(s);
            assertEquals(2, phones.stream().filter(p -> p.equals("sil")).count(), accent + ": " + phones);
            assertEquals(2, phones.stream().filter(p -> p.equals("y")).count(), accent + ": " + phones);
        }
    }

    @Test
    void phoneTimesLineUpWithTheSound() throws IOException {
        SplittableRandom rng = new SplittableRandom(7);
        List<Synthesis> spoken = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            EngineVoice v = engine.voices().get(i);
            spoken.add(engine.speak(v, natural(v), Texts.sentence(rng)));
        }
        Loudness aligned = loudness(spoken, 0);
        assertTrue(aligned.silences() >= 16, aligned.toString());
        assertTrue(aligned.loudestSilence() < 0.05 * aligned.vowelMedian(), "a silence is not quiet: " + aligned);
        assertTrue(aligned.vowel5() > 0.2 * aligned.vowelMedian(), "some vowels are nearly silent: " + aligned);
        assertTrue(aligned.voicelessMedian() < 0.4 * aligned.vowelMedian(), "consonants as loud as vowels: " + aligned);
        // the same labels 40 ms late fit the sound much worse: the contrast comes from the times
        Loudness late = loudness(spoken, 0.04);
        double contrast = aligned.vowelMedian() / aligned.voicelessMedian();
        double lateContrast = late.vowelMedian() / late.voicelessMedian();
        assertTrue(contrast > 1.5 * lateContrast, "contrast " + contrast + " aligned, " + lateContrast + " late");
        System.out.printf(Locale.ROOT, "espeak alignment: %s; vowel/voiceless contrast %.1f, %.1f 40 ms late%n",
                aligned, contrast, lateContrast);
    }

    /**
     * RMS statistics of silences at least 5 ms long and of vowels and voiceless obstruents at least 20 ms long,
     * their times shifted by {@code lateSeconds}.
     */
    private record Loudness(double loudestSilence, int silences, double vowelMedian, double vowel5,
                            double voicelessMedian) {
    }

    private static Loudness loudness(List<Synthesis> spoken, double lateSeconds) {
        double silence = 0;
        int silences = 0;
        List<Double> vowel = new ArrayList<>();
        List<Double> voiceless = new ArrayList<>();
        for (Synthesis s : spoken) {
            for (PhoneSegment p : s.phones()) {
                int from = (int) Math.round((p.start() + lateSeconds) * s.sampleRate());
                int to = Math.min((int) Math.round((p.end() + lateSeconds) * s.sampleRate()), s.samples().length);
                double r = EspeakSignals.rms(s.samples(), from, to);
                if (p.phone().equals("sil") && to - from >= 0.005 * s.sampleRate()) {
                    silence = Math.max(silence, r);
                    silences++;
                } else if (to - from < 0.02 * s.sampleRate()) {
                    // too short to judge
                } else if (VOWELS.contains(p.phone())) {
                    vowel.add(r);
                } else if (VOICELESS_OBSTRUENTS.contains(p.phone())) {
                    voiceless.add(r);
                }
            }
        }
        return new Loudness(silence, silences, EspeakSignals.quantile(vowel, 0.5), EspeakSignals.quantile(vowel, 0.05),
                EspeakSignals.quantile(voiceless, 0.5));
    }

    @Test
    void everyWordOfTheTextsMapsInEveryAccent() throws IOException {
        Set<String> words = EspeakSignals.vocabulary();
        assertTrue(words.size() > 150, "only " + words.size() + " words found in Texts");
        Set<String> seen = new HashSet<>();
        for (String accent : EspeakEngine.ACCENT_FILES.keySet()) {
            EngineVoice v = voice(accent);
            for (String word : words) {
                Synthesis s = engine.speak(v, natural(v), word);
                assertTrue(labels(s).stream().anyMatch(p -> !p.equals("sil")), accent + " said nothing for " + word);
                seen.addAll(labels(s));
            }
            SplittableRandom rng = new SplittableRandom(accent.hashCode());
            for (int i = 0; i < 30; i++) {
                seen.addAll(labels(engine.speak(v, natural(v), Texts.sentence(rng))));
            }
        }
        // the vocabulary was chosen to cover the common set; espeak's phones should too
        Set<String> unused = new LinkedHashSet<>(PhoneSet.COMMON);
        unused.removeAll(seen);
        assertEquals(Set.of(), unused);
    }

    @Test
    void everyVoiceSpeaksTheWholeVocabulary() throws IOException {
        String all = String.join(" ", EspeakSignals.vocabulary());
        Map<String, List<String>> byAccent = new java.util.HashMap<>();
        for (EngineVoice v : engine.voices()) {
            Synthesis s = engine.speak(v, natural(v), all);
            assertTrue(PhoneSet.COMMON.containsAll(labels(s)), v.name());
            // variants change the voice, not the phonemes: every variant of an accent says the same phones
            List<String> phones = labels(s).stream().filter(p -> !p.equals("sil")).toList();
            List<String> first = byAccent.putIfAbsent(v.name().split("\\+")[0], phones);
            if (first != null) {
                assertEquals(first, phones, v.name());
            }
        }
    }

    @Test
    void sameCallGivesIdenticalSamplesWhateverCameBefore() throws Exception {
        EngineVoice a = voice("en-us+f3");
        EngineVoice b = voice("en-gb-scotland+m1");
        Prosody pa = new Prosody(210, 20, 1.1);
        Synthesis first = engine.speak(a, pa, SENTENCE);
        engine.speak(b, new Prosody(100, 8, 0.9), "please open the window quickly");
        engine.speak(voice("en-029+f5"), new Prosody(230, 30, 1.2), "yes");
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Synthesis again = other.submit(() -> engine.speak(a, pa, SENTENCE)).get();
            assertArrayEquals(first.samples(), again.samples());
            assertEquals(first.phones(), again.phones());
        } finally {
            other.shutdown();
        }
    }

    @Test
    void pitchMovesMeanF0ToTheRequestedHz() throws IOException {
        for (String name : List.of("en-us", "en-gb-scotland+m1", "en-gb-x-rp+robert", "en-us+f3", "en-029+Andrea",
                "en-gb-x-gbcwmd+f1")) {
            EngineVoice v = voice(name);
            double previous = 0;
            for (double target : new double[] {v.lowHz(), (v.lowHz() + v.highHz()) / 2, v.highHz()}) {
                Synthesis s = engine.speak(v, new Prosody(target, 0.1 * target, 1), SENTENCE);
                double median = EspeakSignals.quantile(EspeakSignals.voicedF0(s.samples(), s.sampleRate()), 0.5);
                String what = String.format(Locale.ROOT, "%s asked for %.0f Hz gave a median F0 of %.1f Hz",
                        name, target, median);
                assertEquals(target, median, 0.05 * target, what);
                assertTrue(median > previous, what + ", not above the lower request's " + previous);
                previous = median;
            }
        }
    }

    @Test
    void pitchRangeWidensTheF0Spread() throws IOException {
        EngineVoice v = voice("en-us+f2");
        double narrow = spread(engine.speak(v, new Prosody(200, 4, 1), SENTENCE));
        double wide = spread(engine.speak(v, new Prosody(200, 25, 1), SENTENCE));
        // inter-quartile range / 1.35 estimates the standard deviation without the tracker's octave errors
        assertTrue(narrow < 8 && wide > 15 && wide > 2.5 * narrow, "F0 spread " + narrow + " Hz and " + wide + " Hz");
    }

    private static double spread(Synthesis s) {
        List<Double> f0 = EspeakSignals.voicedF0(s.samples(), s.sampleRate());
        return (EspeakSignals.quantile(f0, 0.75) - EspeakSignals.quantile(f0, 0.25)) / 1.35;
    }

    @Test
    void durationStretchScalesTheLength() throws IOException {
        EngineVoice v = voice("en-gb");
        double normal = engine.speak(v, new Prosody(110, 11, 1.0), SENTENCE).seconds();
        double slow = engine.speak(v, new Prosody(110, 11, 1.2), SENTENCE).seconds();
        double fast = engine.speak(v, new Prosody(110, 11, 0.85), SENTENCE).seconds();
        assertEquals(1.2, slow / normal, 0.05);
        assertEquals(0.85, fast / normal, 0.05);
    }

    @Test
    void callsFromManyThreadsAreSerialisedWithoutCorruption() throws Exception {
        List<EngineVoice> voices = engine.voices().subList(0, 12);
        SplittableRandom rng = new SplittableRandom(3);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < voices.size(); i++) {
            texts.add(i % 3 == 0 ? Texts.keyword(rng) : Texts.sentence(rng));
        }
        List<Synthesis> alone = new ArrayList<>();
        for (int i = 0; i < voices.size(); i++) {
            alone.add(engine.speak(voices.get(i), natural(voices.get(i)), texts.get(i)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Synthesis>> together = new ArrayList<>();
            for (int i = voices.size() - 1; i >= 0; i--) {
                int k = i;
                together.add(0, pool.submit(() -> engine.speak(voices.get(k), natural(voices.get(k)), texts.get(k))));
            }
            for (int i = 0; i < voices.size(); i++) {
                assertArrayEquals(alone.get(i).samples(), together.get(i).get().samples(), voices.get(i).name());
                assertEquals(alone.get(i).phones(), together.get(i).get().phones());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void anUnknownPhonemeFailsNamingEngineVoicePhonemeAndText() {
        EngineVoice v = voice("en-gb-scotland+f3");
        EspeakEngineLibrary.Rendered r = new EspeakEngineLibrary.Rendered(new short[2205], 22_050,
                new int[] {100, 900}, new String[] {"k", "ʘ"});
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EspeakEngine.segments(r, EspeakEngine.describe(v, "click")));
        for (String part : List.of("espeak", "en-gb-scotland+f3", "ʘ", "U+0298", "\"click\"")) {
            assertTrue(e.getMessage().contains(part), e.getMessage() + " lacks " + part);
        }
    }

    @Test
    void phonesAreMappedBySoundWithMarksStripped() {
        Function<String, List<String>> map = ipa -> EspeakPhones.toCommon(ipa, "test");
        assertEquals(List.of("aa"), map.apply("ˈɑː"));
        assertEquals(List.of("er"), map.apply("ɜː"));
        assertEquals(List.of("er"), map.apply("ɚ"));
        assertEquals(List.of("ow"), map.apply("əʊ"));
        assertEquals(List.of("ay"), map.apply("aɪ"));
        assertEquals(List.of("aa", "r"), map.apply("ɑːɹ"));
        assertEquals(List.of("t"), map.apply("t̪"));
        assertEquals(List.of("jh"), map.apply("d͡ʒ"));
        assertEquals(List.of("sil"), map.apply(""));
    }
}
