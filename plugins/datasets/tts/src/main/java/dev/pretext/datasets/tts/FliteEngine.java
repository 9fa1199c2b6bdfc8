package dev.pretext.datasets.tts;

import dev.pretext.api.data.PhoneSegment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Debian's flite 2.2, one process per utterance (it starts in milliseconds, so a pool would buy little), each
 * writing its WAV to a private temporary folder and printing its phones with end times ({@code -psdur}).
 * Only the 16 kHz voices are offered. What each honours, measured with an autocorrelation F0 tracker (median
 * F0 over four sentences):
 * <ul>
 * <li>kal16 (diphones), awb and slt (clustergen) follow {@code int_f0_target_mean} (asked 80/120/180/250 Hz,
 *     got 76/117/180/261, 80/120/180/249 and 80/121/181/251 Hz) and {@code int_f0_target_stddev} (the F0
 *     spread widens four- to five-fold from 4% to 20% of the mean);</li>
 * <li>rms ignores every pitch control (mean, stddev, {@code f0_shift}): it speaks at 100 Hz whatever it is
 *     asked, so its speakers all get that pitch and differ only in rate;</li>
 * <li>all four follow {@code duration_stretch} exactly (set absolutely: kal16's own default is 1.1).</li>
 * </ul>
 * Every voice ships in the one {@code flite} package, so they are offered all together or not at all.
 */
final class FliteEngine implements Engine {
    static final String NAME = "flite";
    static final EngineVoice KAL16 = new EngineVoice(NAME, "kal16", "kal", 80, 200);
    static final EngineVoice AWB = new EngineVoice(NAME, "awb", "awb", 80, 200);
    /** rms keeps its own pitch whatever it is asked (see the class comment): one pitch, its natural one. */
    static final EngineVoice RMS = new EngineVoice(NAME, "rms", "rms", 100, 100);
    static final EngineVoice SLT = new EngineVoice(NAME, "slt", "slt", 140, 260);
    static final List<EngineVoice> VOICES = List.of(KAL16, AWB, RMS, SLT);
    private static final String INSTALL = "sudo apt-get install flite";
    /** A sentence takes flite well under a second; a minute means it hangs. */
    private static final long TIMEOUT_SECONDS = 60;

    private final int maxParallel;
    private final Path dir;
    private final AtomicLong calls = new AtomicLong();

    FliteEngine(int maxParallel) {
        if (maxParallel < 1) {
            throw new IllegalArgumentException("flite needs at least one synthesis thread, not " + maxParallel);
        }
        this.maxParallel = maxParallel;
        try {
            dir = Files.createTempDirectory("pretext-flite-"); // owner-only on POSIX
        } catch (IOException e) {
            throw new IllegalStateException("flite: cannot create a temporary folder for its audio", e);
        }
    }

    /** Empty when flite and its 16 kHz voices are installed; else what is missing and how to install it. */
    static Optional<String> missing() {
        if (Subprocess.onPath("flite").isEmpty()) {
            return Optional.of("flite is not installed: " + INSTALL);
        }
        Optional<String> listed = Subprocess.output(List.of("flite", "-lv"), "", 10);
        if (listed.isEmpty()) {
            return Optional.of("flite is installed but 'flite -lv' fails: reinstall it with " + INSTALL);
        }
        List<String> have = List.of(listed.get().replace("Voices available:", " ").trim().split("\\s+"));
        List<String> lacking = VOICES.stream().map(EngineVoice::name).filter(v -> !have.contains(v)).toList();
        if (!lacking.isEmpty()) {
            return Optional.of("flite lacks the voices " + lacking + " (Debian's flite has them all): " + INSTALL);
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

    @Override
    public Synthesis speak(EngineVoice voice, Prosody prosody, String text) throws IOException {
        if (!VOICES.contains(voice)) {
            throw new IllegalArgumentException("flite has no voice " + voice);
        }
        Subprocess.checkText(NAME, text);
        Subprocess.checkProsody(NAME, prosody);
        String what = "flite " + voice.name() + " speaking " + Subprocess.quote(text);
        Path wav = dir.resolve("u" + calls.incrementAndGet() + ".wav");
        List<String> command = List.of("flite", "-voice", voice.name(),
                "--setf", "int_f0_target_mean=" + number(prosody.pitchHz()),
                "--setf", "int_f0_target_stddev=" + number(prosody.pitchRangeHz()),
                "--setf", "duration_stretch=" + number(prosody.durationStretch()),
                "-psdur", "-t", text, "-o", wav.toString());
        try {
            Process process;
            try {
                process = new ProcessBuilder(command).start();
            } catch (IOException e) {
                throw new IOException(what + ": cannot start flite (" + e.getMessage() + ")", e);
            }
            process.getOutputStream().close();
            Subprocess.Drain out = new Subprocess.Drain(process.getInputStream(), 1 << 20, "flite stdout");
            Subprocess.Drain err = new Subprocess.Drain(process.getErrorStream(), 2000, "flite stderr");
            boolean ended;
            try {
                ended = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException(what + ": interrupted", e);
            }
            if (!ended) {
                process.destroyForcibly();
                throw new IOException(what + ": flite did not finish within " + TIMEOUT_SECONDS + " s");
            }
            // flite reports some failures (an unwritable file) only on stderr, with exit code 0
            String errors = err.all(1000).trim();
            if (process.exitValue() != 0) {
                throw new IOException(what + ": flite exited with code " + process.exitValue() + ": " + errors);
            }
            Subprocess.Pcm pcm;
            try {
                pcm = Subprocess.readWav(wav, what);
            } catch (IOException e) {
                throw new IOException(e.getMessage() + (errors.isEmpty() ? "" : "; flite said: " + errors), e);
            }
            return new Synthesis(pcm.samples(), pcm.sampleRate(), phones(out.all(1000), pcm, what));
        } finally {
            Files.deleteIfExists(wav);
        }
    }

    /** Parses {@code -psdur}'s {@code phone:end} pairs (one line, pau first and last). */
    private static List<PhoneSegment> phones(String stdout, Subprocess.Pcm pcm, String what)
            throws IOException {
        List<String> labels = new ArrayList<>();
        List<Double> ends = new ArrayList<>();
        for (String token : stdout.trim().split("\\s+")) {
            int colon = token.lastIndexOf(':');
            if (colon <= 0) {
                throw new IOException(what + ": unexpected output from flite: " + Subprocess.quote(stdout.trim()));
            }
            try {
                ends.add(Double.parseDouble(token.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IOException(what + ": unexpected output from flite: " + Subprocess.quote(stdout.trim()), e);
            }
            try {
                labels.add(PhoneSet.fromCmu(token.substring(0, colon), "flite"));
            } catch (IllegalStateException e) {
                throw new IOException(what + ": " + e.getMessage(), e);
            }
        }
        try {
            return Subprocess.align(labels, ends, pcm.samples().length / (double) pcm.sampleRate(), what);
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Decimal point whatever the locale, and few enough digits that one prosody is one command line. */
    private static String number(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    @Override
    public void close() {
        Subprocess.deleteTree(dir);
    }
}
