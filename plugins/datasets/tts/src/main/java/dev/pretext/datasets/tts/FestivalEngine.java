package dev.pretext.datasets.tts;

import dev.pretext.api.data.PhoneSegment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's festival 2.5 with three voices, one long-lived {@link FestivalProcess} per synthesis thread. Each call
 * selects its voice and sets every prosody control again, so the output never depends on what the process spoke
 * before. {@code utt.synth} renders without playing (SayText would try ALSA); the audio goes to a private
 * temporary file, the segments are printed. What each voice honours, measured with an autocorrelation F0
 * tracker (median F0 over four sentences):
 * <ul>
 * <li>kal_diphone and ked_diphone follow {@code int_lr_params}' target_f0_mean (asked 80/120/180/250 Hz, got
 *     80/119/179/246 and 80/120/180/248 Hz) and target_f0_std (the F0 spread widens about five-fold from 4% to
 *     20% of the mean), and the {@code Duration_Stretch} parameter exactly (set absolutely: their own
 *     default is 1.1);</li>
 * <li>cmu_us_slt_arctic_hts (32 kHz, returned at that rate) takes F0 and durations from its own HMMs: it
 *     ignores int_lr_params and Duration_Stretch, and festival's hts_engine passes on only {@code -m} and
 *     {@code -r} (speed, set to 1/stretch: 0.8 and 1.25 give 0.82 and 1.24 times the duration, the phone
 *     times following). It speaks at 173 Hz whatever it is asked, so its speakers all get that pitch and
 *     differ only in rate.</li>
 * </ul>
 * All three voices are required (see {@link #missing}): a corpus seed must mean the same speakers on every
 * machine, which it would not if the voice list followed what happens to be installed.
 */
final class FestivalEngine implements Engine {
    static final String NAME = "festival";
    static final EngineVoice KAL = new EngineVoice(NAME, "kal_diphone", "kal", 80, 200);
    static final EngineVoice KED = new EngineVoice(NAME, "ked_diphone", "ked", 80, 200);
    /** The HTS voice keeps its own pitch whatever it is asked (see the class comment): its natural one. */
    static final EngineVoice SLT = new EngineVoice(NAME, "cmu_us_slt_arctic_hts", "slt", 173, 173);
    static final List<EngineVoice> VOICES = List.of(KAL, KED, SLT);
    /** The Debian package of each voice. */
    private static final Map<String, String> PACKAGES = new LinkedHashMap<>();

    static {
        PACKAGES.put(KAL.name(), "festvox-kallpc16k");
        PACKAGES.put(KED.name(), "festvox-kdlpc16k");
        PACKAGES.put(SLT.name(), "festvox-us-slt-hts");
    }

    /**
     * Defined once per process: synthesise, save the audio, print the segments, and say it all worked.
     * Utterance does not evaluate its arguments, hence the eval (else it speaks the word "text").
     */
    private static final String SETUP = """
            (define (pretext_render text wav)
              (let ((u (utt.synth (eval (list 'Utterance 'Text text)))))
                (utt.save.wave u wav 'riff)
                (mapcar
                  (lambda (s)
                    (format t "seg %s %s %f\\n" (item.name s)
                            (if (item.relation s 'SylStructure) "syl" "-") (item.feat s "end")))
                  (utt.relation.items u 'Segment))
                (format t "ok\\n")))
            """;
    private static final Pattern SEGMENT = Pattern.compile("seg (\\S+) (syl|-) (\\S+)");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final int maxParallel;
    private final Semaphore slots;
    private final LinkedBlockingQueue<Slot> idle = new LinkedBlockingQueue<>();
    private final List<Slot> all = new ArrayList<>();
    private final AtomicInteger made = new AtomicInteger();
    private final Path dir;
    private volatile Duration timeout = TIMEOUT;

    /** A process and the file it writes its audio to. */
    private record Slot(FestivalProcess process, Path wav) {
    }

    FestivalEngine(int maxParallel) {
        if (maxParallel < 1) {
            throw new IllegalArgumentException("festival needs at least one synthesis thread, not " + maxParallel);
        }
        this.maxParallel = maxParallel;
        slots = new Semaphore(maxParallel, true);
        try {
            dir = Files.createTempDirectory("pretext-festival-"); // owner-only on POSIX
        } catch (IOException e) {
            throw new IllegalStateException("festival: cannot create a temporary folder for its audio", e);
        }
        if (dir.toString().contains("\"") || dir.toString().contains("\\")) {
            throw new IllegalStateException("festival: the temporary folder " + dir + " cannot be quoted in Scheme");
        }
    }

    /** Empty when festival and the three voices are installed; else what is missing and how to install it. */
    static Optional<String> missing() {
        if (Subprocess.onPath("festival").isEmpty()) {
            return Optional.of("festival is not installed: sudo apt-get install festival "
                    + String.join(" ", PACKAGES.values()));
        }
        Optional<String> listed = Subprocess.output(List.of("festival", "--pipe"), "(print (voice.list))\n", 60);
        if (listed.isEmpty()) {
            return Optional.of("festival is installed but does not run: reinstall it with sudo apt-get install"
                    + " --reinstall festival");
        }
        List<String> have = new ArrayList<>();
        Matcher m = Pattern.compile("[A-Za-z0-9_]+").matcher(listed.get());
        while (m.find()) {
            have.add(m.group());
        }
        List<String> lacking = new ArrayList<>();
        List<String> packages = new ArrayList<>();
        PACKAGES.forEach((voice, pkg) -> {
            if (!have.contains(voice)) {
                lacking.add(voice);
                packages.add(pkg);
            }
        });
        if (!lacking.isEmpty()) {
            return Optional.of("festival voices missing " + lacking + ": sudo apt-get install "
                    + String.join(" ", packages));
        }
        return Optional.empty();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<EngineVoice> voices() {
        return VOICES;
    }

    @Override
    public int maxParallel() {
        return maxParallel;
    }

    /** How long one call may take before festival counts as hung (tests shorten it). */
    void timeout(Duration limit) {
        timeout = limit;
    }

    /** The private folder the processes write their audio to, for tests that break it. */
    Path folder() {
        return dir;
    }

    /** The running festival processes, for tests that kill them. */
    List<ProcessHandle> processes() {
        synchronized (all) {
            return all.stream().flatMap(s -> s.process().handle().stream()).toList();
        }
    }

    @Override
    public Synthesis speak(EngineVoice voice, Prosody prosody, String text) throws IOException {
        if (!VOICES.contains(voice)) {
            throw new IllegalArgumentException("festival has no voice " + voice);
        }
        Subprocess.checkText(NAME, text);
        Subprocess.checkProsody(NAME, prosody);
        String what = "festival " + voice.name() + " speaking " + Subprocess.quote(text);
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + ": interrupted while waiting for a festival process", e);
        }
        try {
            Slot slot = idle.poll();
            if (slot == null) {
                slot = new Slot(new FestivalProcess(SETUP), dir.resolve("p" + made.incrementAndGet() + ".wav"));
                synchronized (all) {
                    all.add(slot);
                }
            }
            try {
                return speak(slot, voice, prosody, text, what);
            } finally {
                idle.add(slot);
            }
        } finally {
            slots.release();
        }
    }

    private Synthesis speak(Slot slot, EngineVoice voice, Prosody prosody, String text, String what)
            throws IOException {
        Files.deleteIfExists(slot.wav());
        try {
            // One expression: an error anywhere in it skips the "ok", so a half-applied setup never passes.
            String scheme = "(begin " + prosodyScheme(voice, prosody)
                    + " (pretext_render \"" + text + "\" \"" + slot.wav() + "\"))";
            List<String> answer = slot.process().run(scheme, what, timeout);
            List<String> labels = new ArrayList<>();
            List<Double> ends = new ArrayList<>();
            boolean ok = false;
            List<String> other = new ArrayList<>();
            for (String line : answer) {
                Matcher m = SEGMENT.matcher(line);
                if (m.matches()) {
                    addSegment(m.group(1), m.group(2).equals("syl"), Double.parseDouble(m.group(3)), labels, ends, what);
                } else if (line.equals("ok")) {
                    ok = true;
                } else if (!line.isBlank()) {
                    other.add(line);
                }
            }
            if (!ok) {
                String errors = slot.process().errors();
                throw new IOException(what + ": festival failed: "
                        + (errors.isEmpty() ? String.join(" | ", other) : errors));
            }
            Subprocess.Pcm pcm = Subprocess.readWav(slot.wav(), what);
            try {
                List<PhoneSegment> phones = Subprocess.align(labels, ends,
                        pcm.samples().length / (double) pcm.sampleRate(), what);
                return new Synthesis(pcm.samples(), pcm.sampleRate(), phones);
            } catch (IllegalStateException e) {
                throw new IOException(e.getMessage(), e);
            }
        } finally {
            Files.deleteIfExists(slot.wav());
        }
    }

    /**
     * Festival's phone, in the common set, appended. ked_diphone's waveform hook splits every er in two and
     * inserts an r, outside any syllable, to reach its er-r diphones: that r is folded back into the er.
     */
    private static void addSegment(String name, boolean inSyllable, double end, List<String> labels, List<Double> ends,
            String what) throws IOException {
        if (name.equals("r") && !inSyllable && !labels.isEmpty() && labels.get(labels.size() - 1).equals("er")) {
            ends.set(ends.size() - 1, end);
            return;
        }
        try {
            labels.add(PhoneSet.fromCmu(name, "festival"));
        } catch (IllegalStateException e) {
            throw new IOException(what + ": " + e.getMessage(), e);
        }
        ends.add(end);
    }

    /** Selects the voice and sets every control it has, so nothing carries over from an earlier call. */
    private static String prosodyScheme(EngineVoice voice, Prosody prosody) {
        if (voice.equals(SLT)) {
            // HTS: only the speed reaches hts_engine; Duration_Stretch is reset so no diphone call leaks into it
            return String.format(Locale.ROOT, "(voice_%s) (Parameter.set 'Duration_Stretch 1.0)"
                    + " (set! hts_engine_params (append cmu_us_slt_arctic_hts::hts_engine_params"
                    + " (list (list \"-r\" %.4f))))", voice.name(), 1 / prosody.durationStretch());
        }
        // The voice's own model_f0 statistics are kept: they describe the F0 model, not the speaker.
        return String.format(Locale.ROOT, "(voice_%s) (set! int_lr_params (list (list 'target_f0_mean %.3f)"
                        + " (list 'target_f0_std %.3f) (assoc 'model_f0_mean int_lr_params)"
                        + " (assoc 'model_f0_std int_lr_params))) (Parameter.set 'Duration_Stretch %.4f)",
                voice.name(), prosody.pitchHz(), prosody.pitchRangeHz(), prosody.durationStretch());
    }

    @Override
    public void close() {
        synchronized (all) {
            all.forEach(s -> s.process().close());
            all.clear();
        }
        idle.clear();
        Subprocess.deleteTree(dir);
    }
}
