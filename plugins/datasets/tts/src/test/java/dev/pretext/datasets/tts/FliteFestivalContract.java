package dev.pretext.datasets.tts;

import dev.pretext.api.data.PhoneSegment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What FliteEngineTest and FestivalEngineTest check alike, with the real programs: audio, alignment, the whole
 * vocabulary, determinism, prosody and concurrency, for every voice. The programs must be installed (CI
 * installs them): a missing one fails here with the install command rather than skipping.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FliteFestivalContract {
    static final Set<String> VOWELS = Set.of(
            "aa", "ae", "ah", "ao", "aw", "ay", "eh", "er", "ey", "ih", "iy", "ow", "oy", "uh", "uw");
    static final String SENTENCE = "the farmer watched a happy child near the river yesterday";
    static final Prosody PLAIN = new Prosody(120, 15, 1.0);

    private final List<Engine> opened = new ArrayList<>();

    /** A new engine for this many threads; closed after the class. */
    abstract Engine open(int threads);

    /** The engine's shared instance for most tests. */
    abstract Engine engine();

    /** Whether the voice follows the requested mean F0 (the others keep their own, lowHz == highHz). */
    abstract boolean honoursPitch(EngineVoice voice);

    Engine track(Engine engine) {
        opened.add(engine);
        return engine;
    }

    @AfterAll
    void closeEngines() {
        opened.forEach(Engine::close);
    }

    // ---- audio and alignment

    @Test
    void everyVoiceSpeaksSpeechLikeAudioWithContiguousCommonPhones() throws IOException {
        for (EngineVoice voice : engine().voices()) {
            Synthesis s = engine().speak(voice, PLAIN, SENTENCE);
            String who = voice.name();
            assertTrue(s.sampleRate() == 16_000 || s.sampleRate() == 32_000, who + " rate " + s.sampleRate());
            assertTrue(s.seconds() > 2 && s.seconds() < 6, who + " lasts " + s.seconds());
            float[] x = floats(s.samples());
            assertTrue(rms(x, 0, x.length) > 0.02, who + " rms " + rms(x, 0, x.length));
            double[] frames = frameRms(x, s.sampleRate());
            double[] sorted = frames.clone();
            Arrays.sort(sorted);
            assertTrue(sorted[sorted.length * 9 / 10] > 10 * sorted[sorted.length / 10], who + ": no loud/quiet contrast");
            assertContiguous(s, who);
            List<PhoneSegment> p = s.phones();
            assertEquals(PhoneSet.SILENCE, p.get(0).phone(), who);
            assertEquals(PhoneSet.SILENCE, p.get(p.size() - 1).phone(), who);
            // the f-aa-r-m of farmer and the ch of watched, whatever the voice's lexicon does elsewhere
            String labels = String.join(" ", labels(s));
            assertTrue(labels.contains("f aa r m") && labels.contains(" ch "), who + ": " + labels);
            long vowels = p.stream().filter(seg -> VOWELS.contains(seg.phone())).count();
            assertTrue(vowels >= 14 && vowels <= 20, who + ": " + vowels + " vowels in " + labels);
        }
    }

    @Test
    void keywordsComeOutAsTheirPhones() throws IOException {
        Map<String, String> expected = Map.ofEntries(Map.entry("yes", "y eh s"), Map.entry("no", "n ow"),
                Map.entry("up", "ah p"), Map.entry("down", "d aw n"), Map.entry("left", "l eh f t"),
                Map.entry("right", "r ay t"), Map.entry("on", "aa n"), Map.entry("off", "ao f"),
                Map.entry("stop", "s t aa p"), Map.entry("go", "g ow"), Map.entry("one", "w ah n"),
                Map.entry("two", "t uw"));
        assertEquals(Set.copyOf(Texts.KEYWORDS), expected.keySet());
        for (EngineVoice voice : engine().voices()) {
            for (String word : Texts.KEYWORDS) {
                assertEquals("sil " + expected.get(word) + " sil", String.join(" ", labels(engine().speak(voice, PLAIN, word))),
                        voice.name() + " \"" + word + "\"");
            }
        }
    }

    @Test
    void phoneTimesLineUpWithTheSound() throws IOException {
        for (EngineVoice voice : engine().voices()) {
            for (String text : List.of(SENTENCE, "please open the window", "left")) {
                Synthesis s = engine().speak(voice, PLAIN, text);
                String who = voice.name() + " \"" + text + "\"";
                float[] x = floats(s.samples());
                int rate = s.sampleRate();
                List<Double> vowelRms = new ArrayList<>();
                double silenceSq = 0;
                int silenceN = 0;
                for (PhoneSegment seg : s.phones()) {
                    // away from the edges, where a neighbour's onset or release may leak in
                    int from = (int) Math.round((seg.start() + 0.02) * rate);
                    int to = (int) Math.round((seg.end() - 0.02) * rate);
                    if (to <= from) {
                        continue;
                    }
                    double r = rms(x, from, to);
                    if (VOWELS.contains(seg.phone())) {
                        vowelRms.add(r);
                    } else if (seg.phone().equals(PhoneSet.SILENCE)) {
                        silenceSq += r * r * (to - from);
                        silenceN += to - from;
                    }
                }
                assertTrue(silenceN > 0.1 * rate, who + ": only " + silenceN + " samples of silence");
                double silence = Math.sqrt(silenceSq / silenceN);
                double vowel = Pitch.median(vowelRms);
                assertTrue(vowel > 10 * silence, who + ": vowels rms " + vowel + ", silences " + silence);
                // The sound starts by the end of the first vowel and stops after the last vowel starts, and
                // neither outside the speech phones (a weak consonant at either end may stay under the threshold).
                List<PhoneSegment> vowels = s.phones().stream().filter(seg -> VOWELS.contains(seg.phone())).toList();
                PhoneSegment first = s.phones().get(1);
                PhoneSegment last = s.phones().get(s.phones().size() - 2);
                double[] frames = frameRms(x, rate);
                double loudest = Arrays.stream(frames).max().orElseThrow();
                int on = 0;
                while (frames[on] < 0.05 * loudest) {
                    on++;
                }
                int off = frames.length - 1;
                while (frames[off] < 0.05 * loudest) {
                    off--;
                }
                double onset = on * 0.01;
                double offset = (off + 1) * 0.01;
                assertTrue(onset > first.start() - 0.03 && onset < vowels.get(0).end(),
                        who + ": sound starts at " + onset + ", first phone " + first + ", first vowel " + vowels.get(0));
                assertTrue(offset < last.end() + 0.04 && offset > vowels.get(vowels.size() - 1).start(),
                        who + ": sound ends at " + offset + ", last phone " + last + ", last vowel "
                                + vowels.get(vowels.size() - 1));
            }
        }
    }

    @Test
    void everyWordOfTheTextsMapsToTheCommonSetInEveryVoice() throws Exception {
        List<String> words = new ArrayList<>(vocabulary());
        assertTrue(words.size() > 150, words.size() + " words");
        for (EngineVoice voice : engine().voices()) {
            // Many words per call keeps this fast; the phones are checked by speak itself (it fails loudly on a
            // symbol outside the common set) and here.
            for (int i = 0; i < words.size(); i += 30) {
                String batch = String.join(" ", words.subList(i, Math.min(words.size(), i + 30)));
                Synthesis s = engine().speak(voice, PLAIN, batch);
                assertContiguous(s, voice.name() + " \"" + batch + "\"");
                long speech = s.phones().stream().filter(p -> !p.phone().equals(PhoneSet.SILENCE)).count();
                assertTrue(speech >= 2L * batch.split(" ").length, voice.name() + ": few phones for \"" + batch + "\"");
            }
        }
    }

    /** Every word the corpus can say: the keywords and every word list of {@link Texts}, found by reflection. */
    static Collection<String> vocabulary() throws IllegalAccessException {
        Set<String> words = new LinkedHashSet<>(Texts.KEYWORDS);
        words.add("please");
        words.add("an");
        for (Field f : Texts.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String[].class) {
                f.setAccessible(true);
                words.addAll(Arrays.asList((String[]) f.get(null)));
            }
        }
        return words;
    }

    // ---- determinism and concurrency

    @Test
    void theSameCallGivesTheSameAudioAndPhones() throws IOException {
        Prosody p = new Prosody(131, 17, 1.07);
        for (EngineVoice voice : engine().voices()) {
            Synthesis a = engine().speak(voice, p, SENTENCE);
            // something else in between, so any state a call leaves behind would show
            engine().speak(engine().voices().get(0), new Prosody(95, 30, 1.3), "please open the window");
            Synthesis b = engine().speak(voice, p, SENTENCE);
            assertIdentical(a, b, voice.name());
        }
        Engine fresh = track(open(1));
        for (EngineVoice voice : engine().voices()) {
            assertIdentical(engine().speak(voice, p, "left"), fresh.speak(voice, p, "left"), voice.name() + " in a new engine");
        }
    }

    @Test
    void concurrentCallsGiveWhatSerialCallsGive() throws Exception {
        List<String> texts = List.of("yes", SENTENCE, "please open the window", "the dog slept", "one two",
                "every old teacher found a purple engine", "stop", "go");
        record Call(EngineVoice voice, Prosody prosody, String text) {
        }
        List<Call> calls = new ArrayList<>();
        for (EngineVoice voice : engine().voices()) {
            for (int i = 0; i < texts.size(); i++) {
                calls.add(new Call(voice, new Prosody(100 + 7 * i, 10 + i, 0.9 + 0.05 * i), texts.get(i)));
            }
        }
        Engine serialEngine = track(open(1));
        List<Synthesis> serial = new ArrayList<>();
        for (Call c : calls) {
            serial.add(serialEngine.speak(c.voice(), c.prosody(), c.text()));
        }
        Engine parallel = track(open(4));
        assertEquals(4, parallel.maxParallel());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Synthesis>> futures = new ArrayList<>();
            for (int i = calls.size() - 1; i >= 0; i--) { // another order too
                Call c = calls.get(i);
                futures.add(0, pool.submit(() -> parallel.speak(c.voice(), c.prosody(), c.text())));
            }
            for (int i = 0; i < calls.size(); i++) {
                assertIdentical(serial.get(i), futures.get(i).get(), calls.get(i).toString());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- prosody

    @Test
    void pitchFollowsTheRequestWhereTheVoiceHonoursIt() throws IOException {
        for (EngineVoice voice : engine().voices()) {
            double low = medianF0(engine().speak(voice, new Prosody(voice.lowHz(), 10, 1.0), SENTENCE));
            double high = medianF0(engine().speak(voice, new Prosody(voice.highHz(), 10, 1.0), SENTENCE));
            String who = String.format(Locale.ROOT, "%s: asked %.0f and %.0f Hz, got %.1f and %.1f Hz",
                    voice.name(), voice.lowHz(), voice.highHz(), low, high);
            if (honoursPitch(voice)) {
                assertTrue(Math.abs(low / voice.lowHz() - 1) < 0.1 && Math.abs(high / voice.highHz() - 1) < 0.1, who);
            } else {
                // A voice that keeps its own pitch is offered at that pitch only.
                assertEquals(voice.lowHz(), voice.highHz(), who);
                double other = medianF0(engine().speak(voice, new Prosody(2 * voice.lowHz(), 30, 1.0), SENTENCE));
                assertTrue(Math.abs(low / voice.lowHz() - 1) < 0.1 && Math.abs(other / low - 1) < 0.03,
                        who + ", and " + other + " Hz when asked for twice as high");
            }
        }
    }

    @Test
    void pitchRangeWidensTheExcursionWhereTheVoiceHonoursIt() throws IOException {
        for (EngineVoice voice : engine().voices()) {
            if (!honoursPitch(voice)) {
                continue;
            }
            double mean = (voice.lowHz() + voice.highHz()) / 2;
            double narrow = spread(engine().speak(voice, new Prosody(mean, 0.04 * mean, 1.0), SENTENCE));
            double wide = spread(engine().speak(voice, new Prosody(mean, 0.2 * mean, 1.0), SENTENCE));
            assertTrue(wide > 1.5 * narrow, voice.name() + ": F0 p10-p90 spread " + narrow + " Hz narrow, " + wide + " wide");
        }
    }

    @Test
    void durationStretchSlowsEveryVoice() throws IOException {
        for (EngineVoice voice : engine().voices()) {
            double fast = speechSeconds(engine().speak(voice, new Prosody(voice.lowHz(), 10, 0.8), SENTENCE));
            double slow = speechSeconds(engine().speak(voice, new Prosody(voice.lowHz(), 10, 1.25), SENTENCE));
            double ratio = slow / fast;
            assertTrue(Math.abs(ratio / (1.25 / 0.8) - 1) < 0.1, voice.name() + ": speech " + fast + " s at 0.8, "
                    + slow + " s at 1.25 (ratio " + ratio + ")");
        }
    }

    // ---- input checks, installation and speed

    @Test
    void textsThatAreNotPlainWordsAreRefused() {
        EngineVoice voice = engine().voices().get(0);
        for (String bad : List.of("", "Yes", "yes  no", " yes", "yes\"))(quit)", "-o x", "a\\b", "caf\u00e9", "one\ntwo")) {
            assertThrows(IllegalArgumentException.class, () -> engine().speak(voice, PLAIN, bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> engine().speak(
                new EngineVoice(engine().name(), "nobody", "nobody", 100, 100), PLAIN, "yes"));
    }

    @Test
    void prosodyNoVoiceCouldFollowIsRefused() {
        EngineVoice voice = engine().voices().get(0);
        for (Prosody bad : List.of(new Prosody(Double.NaN, 10, 1), new Prosody(120, 10, 0), new Prosody(-5, 10, 1),
                new Prosody(120, Double.POSITIVE_INFINITY, 1))) {
            assertThrows(IllegalArgumentException.class, () -> engine().speak(voice, bad, "go"), bad.toString());
        }
    }

    @Test
    void engineIsOpenedThroughEnginesByName() {
        assertTrue(Engines.names().contains(engine().name()));
        Engines.check(List.of(engine().name()));
        try (Engine e = Engines.open(engine().name(), 3)) {
            assertEquals(3, e.maxParallel());
            assertEquals(engine().voices(), e.voices());
        }
    }

    // ---- helpers

    static void assertContiguous(Synthesis s, String who) {
        List<PhoneSegment> p = s.phones();
        assertFalse(p.isEmpty(), who);
        assertEquals(0, p.get(0).start(), 1e-9, who);
        assertEquals(s.seconds(), p.get(p.size() - 1).end(), 1e-9, who);
        for (int i = 0; i < p.size(); i++) {
            assertTrue(PhoneSet.COMMON.contains(p.get(i).phone()), who + ": " + p.get(i));
            assertTrue(p.get(i).end() >= p.get(i).start(), who + ": " + p.get(i));
            if (i > 0) {
                assertEquals(p.get(i - 1).end(), p.get(i).start(), 1e-9, who + " at " + i);
                assertFalse(p.get(i - 1).phone().equals(p.get(i).phone()) && p.get(i).phone().equals(PhoneSet.SILENCE),
                        who + ": two silences in a row");
            }
        }
    }

    static void assertIdentical(Synthesis a, Synthesis b, String who) {
        assertEquals(a.sampleRate(), b.sampleRate(), who);
        assertArrayEquals(a.samples(), b.samples(), who);
        assertEquals(a.phones(), b.phones(), who);
    }

    static List<String> labels(Synthesis s) {
        return s.phones().stream().map(PhoneSegment::phone).toList();
    }

    /** Seconds from the start of the first speech phone to the end of the last. */
    static double speechSeconds(Synthesis s) {
        List<PhoneSegment> p = s.phones();
        return p.get(p.size() - 2).end() - p.get(1).start();
    }

    static float[] floats(short[] samples) {
        float[] x = new float[samples.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = samples[i] / 32768f;
        }
        return x;
    }

    /** Median F0 of the voiced frames, at the engine's own rate. */
    static double medianF0(Synthesis s) {
        List<Double> f0 = Pitch.voicedF0(s.samples(), s.sampleRate());
        assertTrue(f0.size() > 30, "only " + f0.size() + " voiced frames");
        return Pitch.median(f0);
    }

    static double spread(Synthesis s) {
        List<Double> f0 = new ArrayList<>(Pitch.voicedF0(s.samples(), s.sampleRate()));
        f0.sort(null);
        return f0.get(f0.size() * 9 / 10) - f0.get(f0.size() / 10);
    }

    static double rms(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += x[i] * (double) x[i];
        }
        return Math.sqrt(s / Math.max(1, to - from));
    }

    /** RMS of 10 ms frames. */
    static double[] frameRms(float[] x, int rate) {
        int frame = rate / 100;
        double[] r = new double[x.length / frame];
        for (int f = 0; f < r.length; f++) {
            r[f] = rms(x, f * frame, (f + 1) * frame);
        }
        return r;
    }
}
