package dev.pretext.datasets.tts;

import com.sun.jna.Callback;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * libespeak-ng 1.51 through JNA: one utterance at a time per JVM, with its audio and the phoneme events.
 *
 * <p>The library keeps synthesis state in C statics that no call resets (the pitch-flutter phase, gain control,
 * glottal cycle count) and draws breath noise from libc's {@code rand()}: an utterance rendered after another
 * sounds slightly different. So every utterance gets a freshly loaded library (dlopen, initialise, render,
 * terminate, dlclose: about 4 ms more per utterance), with {@code srand} reset first. Voices are selected through a
 * private data directory whose {@code lang} folder adds lower-case aliases ({@code en-gb-scotland} for
 * {@code gmw/en-GB-scotland}): espeak lower-cases the name it is given, so without them it scans every voice file
 * on each load (10 ms, and a few KB of memory it never frees).
 */
final class EspeakEngineLibrary {
    /** The soname of Debian's libespeak-ng1; the unversioned name exists only with the -dev package. */
    static final String SONAME = "libespeak-ng.so.1";
    static final String INSTALL = "install the Debian package espeak-ng (sudo apt-get install espeak-ng), "
            + "which brings libespeak-ng1 and espeak-ng-data";

    private static final int AUDIO_OUTPUT_SYNCHRONOUS = 2;
    private static final int INITIALIZE_PHONEME_EVENTS = 0x0001;
    private static final int INITIALIZE_PHONEME_IPA = 0x0002;
    // without it a missing data directory makes the library call exit() and take the JVM down
    private static final int INITIALIZE_DONT_EXIT = 0x8000;
    private static final int OPTIONS = INITIALIZE_PHONEME_EVENTS | INITIALIZE_PHONEME_IPA | INITIALIZE_DONT_EXIT;
    private static final int POS_CHARACTER = 1;
    private static final int CHARS_UTF8 = 1;
    private static final int PARAM_RATE = 1;
    private static final int PARAM_PITCH = 3;
    private static final int PARAM_RANGE = 4;
    private static final int EVENT_LIST_TERMINATED = 0;
    private static final int EVENT_PHONEME = 7;

    // espeak_EVENT: int type, unsigned id, int text_position, int length, int audio_position, int sample,
    // void *user_data, union { int; const char *; char[8] } id
    private static final int EVENT_SAMPLE = 20;
    private static final int EVENT_ID = 24 + Native.POINTER_SIZE;
    private static final int EVENT_SIZE = align(EVENT_ID + Math.max(8, Native.POINTER_SIZE), Native.POINTER_SIZE);

    private static final Object LOCK = new Object();
    // Held in a static so JNA's native trampoline is never collected while a library instance may call it.
    private static final SynthCallback CALLBACK = EspeakEngineLibrary::collect;
    private static Capture capture;
    private static Setup setup;

    private EspeakEngineLibrary() {
    }

    /** What one utterance produced: samples, and for each phoneme event its start sample and IPA name. */
    record Rendered(short[] samples, int sampleRate, int[] eventSamples, String[] eventNames) {
    }

    /** The alias data directory and the library's sample rate, found once per JVM. */
    private record Setup(Path aliasData, int sampleRate) {
    }

    /** {@code int cb(short *wav, int numsamples, espeak_EVENT *events)}; public for JNA's reflection. */
    public interface SynthCallback extends Callback {
        int invoke(Pointer wav, int numsamples, Pointer events);
    }

    /**
     * Renders one utterance. The voice is an accent alias of {@link EspeakEngine#ACCENT_FILES} with an optional
     * {@code +variant}; rate in words per minute, pitch and range 0-99 as espeak defines them.
     */
    static Rendered render(String voice, int rate, int pitch, int range, String text) throws IOException {
        synchronized (LOCK) {
            Setup s = setup();
            NativeLibrary lib = load();
            Capture c = new Capture();
            capture = c;
            try {
                int sampleRate = lib.getFunction("espeak_Initialize").invokeInt(new Object[] {
                    AUDIO_OUTPUT_SYNCHRONOUS, 0, s.aliasData().toString(), OPTIONS});
                if (sampleRate != s.sampleRate()) {
                    throw new IOException("libespeak-ng initialised at " + sampleRate + " Hz, expected "
                            + s.sampleRate());
                }
                lib.getFunction("espeak_SetSynthCallback").invokeVoid(new Object[] {CALLBACK});
                selectVoice(lib, voice);
                setParameter(lib, PARAM_RATE, rate);
                setParameter(lib, PARAM_PITCH, pitch);
                setParameter(lib, PARAM_RANGE, range);
                NativeLibrary.getInstance("c").getFunction("srand").invokeVoid(new Object[] {1});
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                Memory m = new Memory(utf8.length + 1L);
                m.write(0, utf8, 0, utf8.length);
                m.setByte(utf8.length, (byte) 0);
                // synchronous mode: the whole utterance has passed through the callback when this returns
                int status = lib.getFunction("espeak_Synth").invokeInt(new Object[] {
                    m, new NativeLong(utf8.length + 1L), 0, POS_CHARACTER, 0, CHARS_UTF8, null, null});
                if (status != 0) {
                    throw new IOException("espeak_Synth failed with status " + status);
                }
                return c.rendered(sampleRate);
            } finally {
                capture = null;
                lib.getFunction("espeak_Terminate").invokeInt(new Object[0]);
                lib.close();
            }
        }
    }

    /**
     * Empty when the library loads, initialises on its data and knows every voice given (accent alias and
     * variant); else what is wrong and what to install.
     */
    static Optional<String> check(List<String> voices) {
        return check(SONAME, voices);
    }

    /** {@link #check(List)} with another library name, to see the message a missing library gives. */
    static Optional<String> check(String soname, List<String> voices) {
        synchronized (LOCK) {
            try {
                Setup s = setup();
                NativeLibrary lib = NativeLibrary.getInstance(soname);
                try {
                    lib.getFunction("espeak_Initialize").invokeInt(new Object[] {
                        AUDIO_OUTPUT_SYNCHRONOUS, 0, s.aliasData().toString(), OPTIONS});
                    for (String voice : voices) {
                        selectVoice(lib, voice);
                    }
                } finally {
                    lib.getFunction("espeak_Terminate").invokeInt(new Object[0]);
                    lib.close();
                }
                return Optional.empty();
            } catch (LinkageError e) {
                // the library (or JNA's own native part) cannot be loaded
                return Optional.of("libespeak-ng (" + soname + ") cannot be loaded (" + e.getMessage() + "); "
                        + INSTALL);
            } catch (IOException | RuntimeException e) {
                return Optional.of(e.getMessage() + "; " + INSTALL);
            }
        }
    }

    private static NativeLibrary load() {
        return NativeLibrary.getInstance(SONAME);
    }

    private static void setParameter(NativeLibrary lib, int parameter, int value) throws IOException {
        int status = lib.getFunction("espeak_SetParameter").invokeInt(new Object[] {parameter, value, 0});
        if (status != 0) {
            throw new IOException("espeak_SetParameter(" + parameter + ", " + value + ") failed with " + status);
        }
    }

    /** Selects the voice and checks the variant really was applied: espeak ignores an unknown one silently. */
    private static void selectVoice(NativeLibrary lib, String voice) throws IOException {
        int status = lib.getFunction("espeak_SetVoiceByName").invokeInt(new Object[] {voice});
        if (status != 0) {
            throw new IOException("espeak-ng does not know the voice '" + voice + "' (status " + status + ")");
        }
        // espeak_VOICE: const char *name, *languages, *identifier; the identifier carries the applied variant
        Pointer current = lib.getFunction("espeak_GetCurrentVoice").invokePointer(new Object[0]);
        Pointer identifier = current == null ? null : current.getPointer(2L * Native.POINTER_SIZE);
        String id = identifier == null ? "" : identifier.getString(0, StandardCharsets.UTF_8.name());
        if (!id.equalsIgnoreCase(voice)) {
            throw new IOException("espeak-ng selected '" + id + "' when asked for the voice '" + voice
                    + "' (is the variant file missing from espeak-ng-data/voices/!v?)");
        }
    }

    private static Setup setup() throws IOException {
        if (setup != null) {
            return setup;
        }
        NativeLibrary lib = load();
        Path data;
        int sampleRate;
        try {
            sampleRate = lib.getFunction("espeak_Initialize").invokeInt(new Object[] {
                AUDIO_OUTPUT_SYNCHRONOUS, 0, null, OPTIONS});
            PointerByReference path = new PointerByReference();
            lib.getFunction("espeak_Info").invokePointer(new Object[] {path});
            data = path.getValue() == null ? null : Path.of(path.getValue().getString(0));
        } finally {
            lib.getFunction("espeak_Terminate").invokeInt(new Object[0]);
            lib.close();
        }
        if (data == null || !Files.isRegularFile(data.resolve("phondata"))
                || !Files.isRegularFile(data.resolve("en_dict"))) {
            throw new IOException("espeak-ng's data with English (phondata, en_dict) is not in " + data);
        }
        if (sampleRate <= 0) {
            throw new IOException("libespeak-ng could not initialise on its data in " + data);
        }
        setup = new Setup(aliasDirectory(data, EspeakEngine.ACCENT_FILES), sampleRate);
        return setup;
    }

    /**
     * A temporary data directory: links to everything in the system one, except {@code lang}, which is rebuilt
     * with links to the language families plus one lower-case link per voice alias. Removed when the JVM exits.
     */
    private static Path aliasDirectory(Path data, Map<String, String> aliases) throws IOException {
        Path dir = Files.createTempDirectory("pretext-espeak-ng-data");
        List<Path> made = new ArrayList<>(List.of(dir));
        try {
            try (Stream<Path> entries = Files.list(data)) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    String name = entry.getFileName().toString();
                    if (!name.equals("lang")) {
                        made.add(Files.createSymbolicLink(dir.resolve(name), entry));
                    }
                }
            }
            Path lang = Files.createDirectory(dir.resolve("lang"));
            made.add(lang);
            try (Stream<Path> entries = Files.list(data.resolve("lang"))) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    made.add(Files.createSymbolicLink(lang.resolve(entry.getFileName().toString()), entry));
                }
            }
            for (Map.Entry<String, String> alias : aliases.entrySet()) {
                Path target = data.resolve("lang").resolve(alias.getValue());
                if (!alias.getKey().equals(alias.getKey().toLowerCase(Locale.ROOT)) || !Files.isRegularFile(target)) {
                    throw new IOException("espeak-ng voice file " + target + " is missing (or alias '"
                            + alias.getKey() + "' is not lower case)");
                }
                made.add(Files.createSymbolicLink(lang.resolve(alias.getKey()), target));
            }
        } catch (IOException | RuntimeException e) {
            delete(made);
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(made), "espeak-data-cleanup"));
        return dir;
    }

    /** Best effort, deepest first: a link left behind in the temporary directory harms nobody. */
    private static void delete(List<Path> paths) {
        paths.stream().sorted(Comparator.comparingInt(Path::getNameCount).reversed()).forEach(p -> {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // ignored, see above
            }
        });
    }

    private static int align(int n, int to) {
        return (n + to - 1) / to * to;
    }

    /** The synthesis callback: appends audio and phoneme events of the utterance being rendered. */
    private static int collect(Pointer wav, int numsamples, Pointer events) {
        Capture c = capture;
        if (c == null) {
            return 1; // nothing is waiting for this audio: ask espeak to stop
        }
        if (wav != null && numsamples > 0) {
            c.append(wav, numsamples);
        }
        if (events != null) {
            for (long offset = 0; ; offset += EVENT_SIZE) {
                int type = events.getInt(offset);
                if (type == EVENT_LIST_TERMINATED) {
                    break;
                }
                if (type == EVENT_PHONEME) {
                    // up to 8 bytes of UTF-8, zero-terminated only when shorter
                    byte[] name = events.getByteArray(offset + EVENT_ID, 8);
                    int length = 0;
                    while (length < name.length && name[length] != 0) {
                        length++;
                    }
                    c.event(events.getInt(offset + EVENT_SAMPLE), new String(name, 0, length, StandardCharsets.UTF_8));
                }
            }
        }
        return 0;
    }

    /** Audio and events of one utterance as the callback delivers them. */
    private static final class Capture {
        private short[] samples = new short[1 << 16];
        private int size;
        private int[] eventSamples = new int[64];
        private final List<String> eventNames = new ArrayList<>();

        void append(Pointer wav, int n) {
            if (size + n > samples.length) {
                samples = Arrays.copyOf(samples, Math.max(2 * samples.length, size + n));
            }
            wav.read(0, samples, size, n);
            size += n;
        }

        void event(int sample, String name) {
            if (eventNames.size() == eventSamples.length) {
                eventSamples = Arrays.copyOf(eventSamples, 2 * eventSamples.length);
            }
            eventSamples[eventNames.size()] = sample;
            eventNames.add(name);
        }

        Rendered rendered(int sampleRate) {
            return new Rendered(Arrays.copyOf(samples, size), sampleRate,
                    Arrays.copyOf(eventSamples, eventNames.size()), eventNames.toArray(String[]::new));
        }
    }
}
