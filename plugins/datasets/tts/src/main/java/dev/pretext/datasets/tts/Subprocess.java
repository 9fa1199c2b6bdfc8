package dev.pretext.datasets.tts;

import dev.pretext.api.data.PhoneSegment;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the engines that drive an installed program (flite, festival) share: checking the text before it reaches
 * a command line or Scheme, draining a program's output, reading the WAV it writes, and fitting its phone
 * times to that audio.
 */
final class Subprocess {
    /** The texts of {@link Engine#speak}; anything else could be read by the program as an option or as code. */
    private static final Pattern TEXT = Pattern.compile("[a-z]+( [a-z]+)*");
    /** How far the audio may run past the last phone before the alignment is taken to be broken. */
    private static final double MAX_OVERRUN_SECONDS = 0.1;

    private Subprocess() {
    }

    /** Refuses, naming the engine, any text that is not lowercase ASCII words separated by single spaces. */
    static void checkText(String engine, String text) {
        if (text == null || text.length() > 10_000 || !TEXT.matcher(text).matches()) {
            throw new IllegalArgumentException(engine + " speaks only lowercase words separated by single spaces, not \""
                    + text + "\"");
        }
    }

    /** Refuses prosody no program could follow (NaN, zero or negative), before it reaches a command or Scheme. */
    static void checkProsody(String engine, Prosody p) {
        if (!(p.pitchHz() > 0 && p.pitchHz() < 1000 && p.pitchRangeHz() >= 0 && p.pitchRangeHz() < 1000
                && p.durationStretch() > 0.1 && p.durationStretch() < 10)) {
            throw new IllegalArgumentException(engine + " cannot speak with " + p);
        }
    }

    /** The executable of this name on the PATH, if any. */
    static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Runs a short command to its end and returns its stdout, or empty when it fails, hangs or cannot start (for
     * the installation checks, which then report the program as missing).
     */
    static Optional<String> output(List<String> command, String stdin, long timeoutSeconds) {
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            return Optional.empty();
        }
        Drain out = new Drain(process.getInputStream(), Integer.MAX_VALUE, command.get(0) + " stdout");
        Drain err = new Drain(process.getErrorStream(), 4096, command.get(0) + " stderr");
        try {
            try (var in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return Optional.of(out.all(1000));
        } catch (IOException e) {
            process.destroyForcibly();
            return Optional.empty();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            err.all(100);
        }
    }

    /**
     * Reads a program's output stream to its end in a daemon thread, so the program can never block on a full
     * pipe, keeping the last {@code keep} characters (all of stdout we parse, the tail of stderr for messages).
     */
    static final class Drain {
        private final StringBuilder text = new StringBuilder();
        private final int keep;
        private final Thread thread;

        Drain(InputStream stream, int keep, String name) {
            this.keep = keep;
            thread = new Thread(() -> pump(stream), name + " reader");
            thread.setDaemon(true);
            thread.start();
        }

        private void pump(InputStream stream) {
            char[] buffer = new char[4096];
            try (Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
                for (int n; (n = reader.read(buffer)) >= 0; ) {
                    synchronized (text) {
                        text.append(buffer, 0, n);
                        if (text.length() > keep) {
                            text.delete(0, text.length() - keep);
                        }
                    }
                }
            } catch (IOException e) {
                // the stream closes when the process is killed: what was read so far is what there is
            }
        }

        /** Everything kept, after waiting up to {@code millis} for the stream to end. */
        String all(long millis) {
            try {
                thread.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return now();
        }

        /** What is kept so far, without waiting. */
        String now() {
            synchronized (text) {
                return text.toString();
            }
        }
    }

    /** Audio a program wrote: 16-bit PCM mono at its own rate. */
    record Pcm(short[] samples, int sampleRate) {
    }

    /** Reads a RIFF WAV of 16-bit PCM mono, walking its chunks; fails, naming {@code what}, on anything else. */
    static Pcm readWav(Path file, String what) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(what + ": no audio file was written");
        }
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12 || b.getInt(0) != 0x46464952 /* RIFF */ || b.getInt(8) != 0x45564157 /* WAVE */) {
            throw new IOException(what + ": the audio file is not a RIFF WAV (" + bytes.length + " bytes)");
        }
        int rate = -1;
        int pos = 12;
        while (pos + 8 <= bytes.length) {
            int id = b.getInt(pos);
            int size = b.getInt(pos + 4);
            int body = pos + 8;
            if (size < 0 || body + size > bytes.length) {
                throw new IOException(what + ": the audio file has a truncated chunk");
            }
            if (id == 0x20746d66 /* fmt  */) {
                if (size < 16 || b.getShort(body) != 1 || b.getShort(body + 2) != 1 || b.getShort(body + 14) != 16) {
                    throw new IOException(what + ": the audio is not 16-bit PCM mono");
                }
                rate = b.getInt(body + 4);
            } else if (id == 0x61746164 /* data */) {
                if (rate <= 0) {
                    throw new IOException(what + ": the audio file has data before its format");
                }
                short[] samples = new short[size / 2];
                for (int i = 0; i < samples.length; i++) {
                    samples[i] = b.getShort(body + 2 * i);
                }
                return new Pcm(samples, rate);
            }
            pos = body + size + (size & 1); // chunks are padded to even sizes
        }
        throw new IOException(what + ": the audio file has no data chunk");
    }

    /**
     * The contiguous segments of a program's phones (already in the common set) over its audio. Diphone voices
     * render the closing pause to their own length, not to the phone times (flite's kal16 stops half-way
     * through it, festival's diphones run a frame or two past it); the pause is silence either way, so it
     * takes up the difference, as long as the speech before it fits in the audio.
     */
    static List<PhoneSegment> align(List<String> labels, List<Double> ends, double totalSeconds, String what) {
        List<Double> fitted = new ArrayList<>(ends);
        int last = labels.size() - 1;
        if (last > 0 && labels.get(last).equals(PhoneSet.SILENCE)) {
            double speechEnd = fitted.get(last - 1);
            double pauseEnd = fitted.get(last);
            if (speechEnd > totalSeconds + Alignment.MAX_GAP_SECONDS || totalSeconds - pauseEnd > MAX_OVERRUN_SECONDS) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "%s: the speech ends at %.4f s and the closing pause at %.4f s, but the audio lasts %.4f s",
                        what, speechEnd, pauseEnd, totalSeconds));
            }
            fitted.set(last, totalSeconds);
        }
        return Alignment.contiguous(labels, fitted, totalSeconds, what);
    }

    /** What a failure message shows of the text: all of it unless it is long. */
    static String quote(String text) {
        return "\"" + (text.length() <= 200 ? text : text.substring(0, 200) + "...") + "\"";
    }

    /** Deletes a private temporary folder and whatever is left in it. */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: a leftover temp file must not fail the corpus that has already been written
        }
    }
}
