package dev.pretext.datasets.tts;

import dev.pretext.api.data.PhoneSegment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * espeak-ng (libespeak-ng 1.51 from Debian, through JNA): eight English accents times 23 voice variants, rendered
 * at 22.05 kHz with phone times from the library's sample-accurate phoneme events. The library has global state,
 * so utterances are rendered one at a time per JVM ({@link EspeakEngineLibrary} explains why each gets a fresh
 * library instance).
 */
final class EspeakEngine implements Engine {
    static final String NAME = "espeak";

    /**
     * The accents, as the voice names call them, and their files under espeak-ng-data/lang; every English one
     * except the MBROLA voices (not installed). {@code en-gb} is espeak's {@code en}: espeak itself rejects the name
     * en-gb with a variant, the alias (see {@link EspeakEngineLibrary}) makes it work.
     */
    static final Map<String, String> ACCENT_FILES = accents(
            "en-us", "gmw/en-US",
            "en-gb", "gmw/en",
            "en-gb-scotland", "gmw/en-GB-scotland",
            "en-029", "gmw/en-029",
            "en-gb-x-rp", "gmw/en-GB-x-rp",
            "en-us-nyc", "gmw/en-US-nyc",
            "en-gb-x-gbclan", "gmw/en-GB-x-gbclan",
            "en-gb-x-gbcwmd", "gmw/en-GB-x-gbcwmd");

    /**
     * A voice variant (espeak-ng-data/voices/!v) and its {@code pitch} line (base and top in Hz; 82 118 when the
     * file has none), which sets where its F0 lies. Kept: the classic m1-m7 and f1-f5 and the contributed variants
     * with human settings. Left out, among others: whisper, croak, robots and klatt voices, heavy echo or flutter
     * (announcer, RicishayMax, grandma), formants moved far from human (Tweaky, Lee, Jacky, travis, zac), voices
     * that sound muffled (m8, steph, anika: spectral centroid under 800 Hz where the others have 900-2400), an
     * inverted pitch range (aunty), one too wide for the pitch mapping (Annie) and near-copies of the default (john,
     * Mr serious).
     */
    record Variant(String name, boolean female, int baseHz, int topHz) {
    }

    /** Alternating genders so that the first voices of {@link #voices()} mix them. */
    static final List<Variant> VARIANTS = List.of(
            new Variant("", false, 82, 118), new Variant("f3", true, 140, 240),
            new Variant("m3", false, 80, 122), new Variant("f1", true, 140, 200),
            new Variant("m1", false, 75, 109), new Variant("f2", true, 142, 220),
            new Variant("m2", false, 88, 115), new Variant("f4", true, 142, 200),
            new Variant("m4", false, 70, 110), new Variant("f5", true, 160, 228),
            new Variant("m5", false, 82, 118), new Variant("Andrea", true, 200, 265),
            new Variant("m6", false, 82, 117), new Variant("belinda", true, 200, 247),
            new Variant("m7", false, 75, 125), new Variant("linda", true, 200, 247),
            new Variant("Mike", false, 67, 107), new Variant("Gene", false, 80, 110),
            new Variant("Mario", false, 75, 125), new Variant("antonio", false, 82, 128),
            new Variant("max", false, 82, 118), new Variant("paul", false, 70, 100),
            new Variant("robert", false, 65, 115));

    // Mean F0 bands speakers are given: adult male and female voices.
    private static final double MALE_LOW_HZ = 85;
    private static final double MALE_HIGH_HZ = 150;
    private static final double FEMALE_LOW_HZ = 160;
    private static final double FEMALE_HIGH_HZ = 250;

    // How espeak's pitch p and range r (0-99) place F0, fitted to the median and 10-90% spread of voiced F0 over
    // two dozen variants (autocorrelation, one sentence, p in {0, 50}, r in {0, 50, 100}); base and top are the
    // variant's pitch line. Inverted, it puts the median F0 of all 184 voices within 1% of the request (median
    // error), 99% of requests within 6%. espeak scales its base pitch (base - 9 Hz) by 2^((p - 50) / 50) and adds the intonation, which
    // grows with r and the variant's span (top - base):
    //   median F0 = 0.98 (base - 9) 2^((p - 50) / 50) + (top - base) (0.50 + 0.39 r / 50)
    //   F0 standard deviation (10-90% spread / 2.56) = 0.145 (top - base) r / 50
    private static final double BASE_GAIN = 0.98;
    private static final double BASE_OFFSET_HZ = 9;
    private static final double SPAN_AT_ZERO_RANGE = 0.50;
    private static final double SPAN_PER_RANGE = 0.39;
    private static final double SD_PER_SPAN = 0.145;
    private static final int MAX_SETTING = 99;
    private static final int DEFAULT_WPM = 175;
    private static final int MIN_WPM = 80;
    private static final int MAX_WPM = 450;
    // An unnamed phoneme this loud relative to the whole utterance is a linking [j], not a pause (see segments).
    private static final double LINK_RMS = 0.25;

    private static final List<EngineVoice> VOICES = voiceList();
    private static final Map<String, Variant> VARIANT_OF_VOICE = variantOfVoice();
    private static volatile Optional<String> missing;

    EspeakEngine(int threads) {
        // one utterance at a time per JVM whatever the thread count: see maxParallel
    }

    /** Empty when libespeak-ng loads and knows every voice; else what to install. Checked once per JVM. */
    static Optional<String> missing() {
        Optional<String> m = missing;
        if (m == null) {
            m = EspeakEngineLibrary.check(VOICES.stream().map(EngineVoice::name).toList());
            missing = m;
        }
        return m;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Every accent with every variant, ordered round by round: round k gives accent a the variant k + a, so the
     * first eight voices are the eight accents with four male and four female variants, and so on.
     */
    @Override
    public List<EngineVoice> voices() {
        return VOICES;
    }

    @Override
    public int maxParallel() {
        return 1; // the library's state is global; calls are serialised inside anyway (about 200x real time)
    }

    @Override
    public Synthesis speak(EngineVoice voice, Prosody prosody, String text) throws IOException {
        Variant variant = VARIANT_OF_VOICE.get(voice.name());
        if (variant == null || !voice.engine().equals(NAME)) {
            throw new IllegalArgumentException("espeak has no voice " + voice.engine() + "/" + voice.name());
        }
        String what = describe(voice, text);
        int[] pitchRange = pitchAndRange(variant, prosody.pitchHz(), prosody.pitchRangeHz());
        EspeakEngineLibrary.Rendered r;
        try {
            r = EspeakEngineLibrary.render(voice.name(), wordsPerMinute(prosody.durationStretch()),
                    pitchRange[0], pitchRange[1], text);
        } catch (IOException | RuntimeException | LinkageError e) {
            throw new IOException(what + ": " + e.getMessage(), e);
        }
        if (r.samples().length == 0 || r.eventNames().length == 0) {
            throw new IOException(what + ": espeak-ng produced " + r.samples().length + " samples and "
                    + r.eventNames().length + " phonemes");
        }
        return new Synthesis(r.samples(), r.sampleRate(), segments(r, what));
    }

    @Override
    public void close() {
        // nothing held between utterances
    }

    /**
     * espeak's pitch and range settings for a mean F0 and an F0 standard deviation (both Hz; the pitch range is a
     * standard deviation, as FreeTTS's is) on a variant, by inverting the fit above: the range first, then the pitch. A wide range also lifts the median, so near the
     * bottom of a voice the range is narrowed until the pitch setting can still reach the mean: the mean matters
     * more. Beyond that, settings are clamped to 0-99 (espeak's widest range gives a standard deviation of about
     * 0.29 times the variant's span, 10 Hz for the default voice).
     */
    static int[] pitchAndRange(Variant v, double meanHz, double sdHz) {
        double span = v.topHz() - v.baseHz();
        double base = BASE_GAIN * (v.baseHz() - BASE_OFFSET_HZ);
        // the widest range at which pitch 0 (half the base) still leaves the median at or below the mean
        double reachable = ((meanHz - base / 2) / span - SPAN_AT_ZERO_RANGE) * 50 / SPAN_PER_RANGE;
        double wanted = 50 * sdHz / (SD_PER_SPAN * span);
        int range = clamp((int) Math.floor(Math.min(wanted + 0.5, reachable)), 0, MAX_SETTING);
        double intonation = span * (SPAN_AT_ZERO_RANGE + SPAN_PER_RANGE * range / 50.0);
        double ratio = (meanHz - intonation) / base;
        int pitch = ratio <= 0 ? 0 : clamp((int) Math.round(50 + 50 * Math.log(ratio) / Math.log(2)), 0, MAX_SETTING);
        return new int[] {pitch, range};
    }

    /** How failures name the engine, the voice and the text. */
    static String describe(EngineVoice voice, String text) {
        return "espeak voice " + voice.name() + " speaking \"" + text + "\"";
    }

    /** The rate for a duration stretch: espeak's 175 words per minute is stretch 1. */
    static int wordsPerMinute(double durationStretch) {
        return clamp((int) Math.round(DEFAULT_WPM / durationStretch), MIN_WPM, MAX_WPM);
    }

    /**
     * Phone segments from the phoneme events: each phoneme lasts from its event to the next one (the last to the
     * end of the audio), and audio before the first is silence. A phoneme that is two common phones is split in
     * two equal halves. espeak gives no IPA name both to its pauses and to the linking [j] it puts between an [i]
     * and a following vowel ("every orange"); a pause is silent, a link is as loud as speech, so an unnamed
     * phoneme louder than a quarter of the utterance's RMS is {@code y}.
     */
    static List<PhoneSegment> segments(EspeakEngineLibrary.Rendered r, String what) {
        int[] starts = r.eventSamples();
        short[] x = r.samples();
        int total = x.length;
        double rate = r.sampleRate();
        double speechRms = rms(x, 0, total);
        List<String> labels = new ArrayList<>();
        List<Double> ends = new ArrayList<>();
        if (starts[0] > 0) {
            labels.add(PhoneSet.SILENCE);
            ends.add(Math.min(starts[0], total) / rate);
        }
        for (int i = 0; i < starts.length; i++) {
            int start = Math.min(starts[i], total);
            int end = i + 1 < starts.length ? Math.min(starts[i + 1], total) : total;
            List<String> phones = EspeakPhones.toCommon(r.eventNames()[i], what);
            if (EspeakPhones.normalise(r.eventNames()[i]).isEmpty()) {
                if (end <= start) {
                    continue; // a boundary marker, not a pause
                }
                if (rms(x, start, end) > LINK_RMS * speechRms) {
                    phones = List.of("y");
                }
            }
            for (int j = 0; j < phones.size(); j++) {
                labels.add(phones.get(j));
                ends.add((start + (end - start) * (j + 1.0) / phones.size()) / rate);
            }
        }
        return Alignment.contiguous(labels, ends, total / rate, what);
    }

    private static double rms(short[] x, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += x[i] * (double) x[i];
        }
        return to > from ? Math.sqrt(sum / (to - from)) : 0;
    }

    private static int clamp(int value, int low, int high) {
        return Math.max(low, Math.min(high, value));
    }

    private static Map<String, String> accents(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }

    private static List<EngineVoice> voiceList() {
        List<String> accents = List.copyOf(ACCENT_FILES.keySet());
        List<EngineVoice> voices = new ArrayList<>();
        for (int round = 0; round < VARIANTS.size(); round++) {
            for (int a = 0; a < accents.size(); a++) {
                Variant v = VARIANTS.get((round + a) % VARIANTS.size());
                String name = v.name().isEmpty() ? accents.get(a) : accents.get(a) + "+" + v.name();
                voices.add(v.female()
                        ? new EngineVoice(NAME, name, NAME + "-" + name, FEMALE_LOW_HZ, FEMALE_HIGH_HZ)
                        : new EngineVoice(NAME, name, NAME + "-" + name, MALE_LOW_HZ, MALE_HIGH_HZ));
            }
        }
        return List.copyOf(voices);
    }

    private static Map<String, Variant> variantOfVoice() {
        Map<String, Variant> m = new LinkedHashMap<>();
        for (EngineVoice voice : VOICES) {
            int plus = voice.name().indexOf('+');
            String variant = plus < 0 ? "" : voice.name().substring(plus + 1);
            m.put(voice.name(), VARIANTS.stream().filter(v -> v.name().equals(variant)).findFirst().orElseThrow());
        }
        return Map.copyOf(m);
    }
}
