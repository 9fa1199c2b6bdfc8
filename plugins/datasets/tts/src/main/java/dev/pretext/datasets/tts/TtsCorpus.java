package dev.pretext.datasets.tts;

import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.PhoneSegment;
import dev.pretext.api.data.Utterance;
import dev.pretext.datasets.audio.Resampler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Synthesises a corpus into a folder, or reuses the one already there. Its caller is {@link TtsDataset} (which
 * {@code pretext corpus synth} composes like any dataset); it needs nothing of the platform, so tests call it
 * directly: {@code TtsCorpus.synthesize(TtsConfig.defaults(), Path.of("corpus"))}.
 *
 * <p>Layout: {@code manifest.tsv} (see {@link #MANIFEST}), {@code wav/<speaker>/<id>.wav} (16-bit PCM mono
 * 16 kHz), {@code speakers.tsv} (see {@link #SPEAKERS}) and {@code COMPLETE}, written last, holding the settings
 * the corpus was made with. A folder is reused only when {@code COMPLETE} names the same settings and every file
 * is present. A corpus is built in a sibling temporary
 * folder and moved into place in one step, so readers never see half a corpus.
 */
public final class TtsCorpus {
    public static final String MANIFEST = Manifest.FILE;
    public static final String COMPLETE = "COMPLETE";
    /** Who speaks: one line per speaker label with its engine, voice, talker and prosody ({@link SpeakersTable}). */
    public static final String SPEAKERS = "speakers.tsv";
    /** A folder users (and {@code pretext corpus synth}) may add inside a corpus: split manifests. */
    public static final String SPLITS = "splits";
    /** Raise when the same settings would produce different audio or labels, so caches are not reused. */
    static final String GENERATOR = "pretext-tts/1";

    private static final long SALT_UTTERANCE = 0x7474735f75747431L;
    private static final long SALT_SPEAKER_ORDER = 0x7474735f73706b31L;
    private static final ConcurrentHashMap<Path, Object> FOLDER_LOCKS = new ConcurrentHashMap<>();

    private TtsCorpus() {
    }

    /**
     * @param dir             the corpus folder
     * @param utterances      in id order
     * @param reused          true when an existing complete corpus was found and nothing was synthesised
     * @param audioSeconds    total audio
     * @param synthesisSeconds wall-clock time spent synthesising and writing (0 when reused)
     * @param threads         synthesis threads used
     */
    public record Result(Path dir, List<Utterance> utterances, boolean reused, double audioSeconds,
                         double synthesisSeconds, int threads) {
        /** Seconds of audio produced per second of wall clock. */
        public double realTimeFactor() {
            return synthesisSeconds > 0 ? audioSeconds / synthesisSeconds : Double.NaN;
        }
    }

    /** The cache folder for these settings: {@code <cacheDir>/tts/<16 hex digits of their SHA-256>}. */
    public static Path defaultDir(TtsConfig config, Path cacheDir) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key(requireSeed(config))
                    .getBytes(StandardCharsets.UTF_8));
            return cacheDir.resolve("tts").resolve(HexFormat.of().formatHex(digest, 0, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }

    /** Reuses the complete corpus in {@code dir} made with these settings, or synthesises it there. */
    public static Result synthesize(TtsConfig config, Path dir) throws IOException {
        requireSeed(config);
        Path target = dir.toAbsolutePath().normalize();
        synchronized (FOLDER_LOCKS.computeIfAbsent(target, p -> new Object())) {
            String key = key(config);
            Optional<List<Utterance>> existing = loadIfComplete(target, key);
            if (existing.isPresent()) {
                return new Result(target, existing.get(), true, totalSeconds(existing.get()), 0, 0);
            }
            refuseForeignFolder(target);
            Files.createDirectories(target.getParent());
            Path work = Files.createTempDirectory(target.getParent(), target.getFileName() + ".partial-");
            try {
                long start = System.nanoTime();
                Rendering rendering = render(config, work);
                Manifest.write(work.resolve(MANIFEST), rendering.entries());
                SpeakersTable.of(rendering.speakers(), rendering.entries()).write(work.resolve(SPEAKERS));
                Files.writeString(work.resolve(COMPLETE), key + "utterances=" + rendering.entries().size() + "\n",
                        StandardCharsets.UTF_8);
                install(work, target, key);
                double wall = (System.nanoTime() - start) / 1e9;
                // Read back what was written, so a fresh corpus and a reused one give equal utterances.
                List<Utterance> utterances = loadIfComplete(target, key).orElseThrow(
                        () -> new IOException("the corpus just written to " + target + " does not read back complete"));
                return new Result(target, utterances, false, totalSeconds(utterances), wall, rendering.threads());
            } finally {
                deleteRecursively(work);
            }
        }
    }

    /** The settings that determine the corpus's content, one {@code key=value} per line. */
    static String key(TtsConfig config) {
        return "generator=" + GENERATOR + "\n"
                + "minutes=" + config.minutes() + "\n"
                + "speakers=" + config.speakers() + "\n"
                + "seed=" + config.seed() + "\n"
                + "keyword_share=" + config.keywordShare() + "\n"
                + "engines=" + String.join(",", config.engines()) + "\n";
    }

    private static TtsConfig requireSeed(TtsConfig config) {
        if (config.seed() == null) {
            throw new IllegalArgumentException("seed is required to synthesise a corpus (TtsConfig.withDefaultSeed fills it)");
        }
        return config;
    }

    private static Optional<List<Utterance>> loadIfComplete(Path dir, String key) throws IOException {
        Path marker = dir.resolve(COMPLETE);
        if (!Files.isRegularFile(marker) || !Files.isRegularFile(dir.resolve(MANIFEST))) {
            return Optional.empty();
        }
        String recorded = Files.readString(marker, StandardCharsets.UTF_8);
        if (!recorded.startsWith(key)) {
            return Optional.empty();
        }
        List<Manifest.Entry> entries;
        try {
            entries = Manifest.read(dir.resolve(MANIFEST));
        } catch (IOException e) {
            return Optional.empty();
        }
        if (!recorded.equals(key + "utterances=" + entries.size() + "\n")) {
            return Optional.empty();
        }
        for (Manifest.Entry e : entries) {
            Path wav = dir.resolve(e.path());
            if (!Files.isRegularFile(wav) || Files.size(wav) != 44L + 2L * e.samples()) {
                return Optional.empty();
            }
        }
        return Optional.of(toUtterances(dir, entries));
    }

    /** An existing folder is replaced only if it is empty or was made by this class: never a user's folder. */
    private static void refuseForeignFolder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            if (Files.exists(dir)) {
                throw new IllegalArgumentException("dir " + dir + " is a file, not a folder: choose a folder for the tts corpus");
            }
            return;
        }
        try (Stream<Path> children = Files.list(dir)) {
            boolean ours = children.allMatch(p -> {
                String name = p.getFileName().toString();
                return name.equals(MANIFEST) || name.equals(COMPLETE) || name.equals("wav") || name.equals(SPEAKERS)
                        || name.equals(SPLITS);
            });
            if (!ours) {
                throw new IllegalArgumentException("dir " + dir + " holds files that are not a tts corpus;"
                        + " choose an empty or new folder (it is replaced whenever the settings change)");
            }
        }
    }

    private static void install(Path work, Path target, String key) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling(target.getFileName() + ".old-" + Long.toHexString(System.nanoTime()));
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
            // Another process installed the same folder first; accept it if it is what we were making.
            if (loadIfComplete(target, key).isEmpty()) {
                throw new IOException("another process wrote a different corpus to " + target + " at the same time", raced);
            }
        } finally {
            if (old != null) {
                deleteRecursively(old);
            }
        }
    }

    private record Rendering(List<Manifest.Entry> entries, List<SpeakerVoice> speakers, int threads) {
    }

    private record Planned(int index, String id, SpeakerVoice speaker, String kind, String text, double pitchHz,
                           double pitchRangeHz, double durationStretch) {
        /** One folder per speaker, so path-based tools (fairseq, the manifest dataset) can read the speaker. */
        String path() {
            return "wav/" + speaker.label() + "/" + id + ".wav";
        }
    }

    private record Rendered(Planned plan, Synthesis synthesis) {
    }

    /** Utterance {@code i} depends only on the settings and {@code i}, never on thread timing. */
    private static Planned plan(TtsConfig config, List<SpeakerVoice> speakers, int index) {
        int n = speakers.size();
        // Speakers take turns in a seeded order per round, so every speaker gets the same share of utterances.
        int round = index / n;
        SplittableRandom order = new SplittableRandom(Seeds.mix(Seeds.mix(config.seed(), SALT_SPEAKER_ORDER), round));
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = order.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        SpeakerVoice speaker = speakers.get(perm[index % n]);
        SplittableRandom rng = new SplittableRandom(Seeds.mix(Seeds.mix(config.seed(), SALT_UTTERANCE), index));
        boolean keyword = rng.nextDouble() < config.keywordShare();
        String text = keyword ? Texts.keyword(rng) : Texts.sentence(rng);
        // A speaker is never exactly the same twice: small pitch and tempo variation per utterance.
        double pitch = speaker.pitchHz() * (0.97 + 0.06 * rng.nextDouble());
        double stretch = speaker.durationStretch() * (0.96 + 0.08 * rng.nextDouble());
        return new Planned(index, String.format("tts-%06d", index), speaker, keyword ? "keyword" : "sentence", text,
                pitch, speaker.pitchRangeHz(), stretch);
    }

    private static Rendering render(TtsConfig config, Path work) throws IOException {
        Engines.check(config.engines());
        int threads = config.synthesisThreads();
        Map<String, Engine> engines = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads, new SynthesisThreads());
        Deque<Future<Rendered>> inFlight = new ArrayDeque<>();
        List<Manifest.Entry> entries = new ArrayList<>();
        List<SpeakerVoice> speakers;
        try {
            for (String name : config.engines()) {
                engines.put(name, Engines.open(name, threads));
            }
            speakers = Speakers.forVoices(config.seed(), config.speakers(),
                    Speakers.claim(List.copyOf(engines.values())));
            // An engine may allow fewer calls at once than there are threads (espeak-ng's library: one).
            Map<String, Semaphore> turns = new HashMap<>();
            engines.forEach((name, engine) -> turns.put(name, new Semaphore(Math.min(threads, engine.maxParallel()))));
            Files.createDirectories(work.resolve("wav"));
            double targetSeconds = config.minutes() * 60;
            int next = 0;
            double total = 0;
            while (total < targetSeconds) {
                // Results are written in order: a deep window keeps threads busy behind one slow utterance.
                while (inFlight.size() < 8 * threads) {
                    Planned plan = plan(config, speakers, next++);
                    Engine engine = engines.get(plan.speaker().voice().engine());
                    Semaphore turn = turns.get(engine.name());
                    inFlight.add(pool.submit(() -> speak(engine, turn, plan)));
                }
                Rendered r = await(inFlight.poll());
                Planned p = r.plan();
                short[] samples = r.synthesis().samples();
                Path wav = work.resolve(p.path());
                Files.createDirectories(wav.getParent());
                Wav16.write(wav, samples, Waveform.RATE);
                entries.add(new Manifest.Entry(p.id(), p.path(), samples.length, p.speaker().label(), p.kind(),
                        p.text(), r.synthesis().phones()));
                total += r.synthesis().seconds();
            }
        } finally {
            inFlight.forEach(f -> f.cancel(false));
            pool.shutdown();
            try {
                pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            engines.values().forEach(Engine::close);
        }
        return new Rendering(entries, speakers, threads);
    }

    private static final class SynthesisThreads implements ThreadFactory {
        private final AtomicInteger number = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "tts-synthesis-" + number.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }

    /** Runs on a pool thread; the result is at the corpus's rate. */
    private static Rendered speak(Engine engine, Semaphore turn, Planned plan) throws IOException, InterruptedException {
        Synthesis s;
        turn.acquire();
        try {
            s = engine.speak(plan.speaker().voice(), new Prosody(plan.pitchHz(), plan.pitchRangeHz(),
                    plan.durationStretch()), plan.text());
        } finally {
            turn.release();
        }
        return new Rendered(plan, toCorpusRate(s));
    }

    /** 16 kHz, as every dataset delivers; phone times stay, the last one snapped to the new length. */
    static Synthesis toCorpusRate(Synthesis s) {
        if (s.sampleRate() == Waveform.RATE) {
            return s;
        }
        float[] x = new float[s.samples().length];
        for (int i = 0; i < x.length; i++) {
            x[i] = s.samples()[i] / 32768f;
        }
        float[] y = Resampler.resample(x, s.sampleRate(), Waveform.RATE);
        short[] pcm = new short[y.length];
        for (int i = 0; i < y.length; i++) {
            pcm[i] = (short) Math.max(-32768, Math.min(32767, Math.round(y[i] * 32768f)));
        }
        List<PhoneSegment> phones = new ArrayList<>(s.phones());
        double seconds = pcm.length / (double) Waveform.RATE;
        PhoneSegment last = phones.get(phones.size() - 1);
        phones.set(phones.size() - 1, new PhoneSegment(last.phone(), Math.min(last.start(), seconds), seconds));
        return new Synthesis(pcm, Waveform.RATE, List.copyOf(phones));
    }

    private static Rendered await(Future<Rendered> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while synthesising the tts corpus", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException("synthesis failed: " + cause, cause);
        }
    }

    private static List<Utterance> toUtterances(Path dir, List<Manifest.Entry> entries) {
        List<Utterance> list = new ArrayList<>(entries.size());
        for (Manifest.Entry e : entries) {
            list.add(new Utterance(e.id(), dir.resolve(e.path()), e.seconds(), e.speaker(), e.text(), e.phones()));
        }
        return List.copyOf(list);
    }

    private static double totalSeconds(List<Utterance> utterances) {
        double s = 0;
        for (Utterance u : utterances) {
            s += u.seconds();
        }
        return s;
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
