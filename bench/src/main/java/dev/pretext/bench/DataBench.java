package dev.pretext.bench;

import ai.djl.Device;
import dev.pretext.api.PluginKind;
import dev.pretext.api.RunContext;
import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Augmentation;
import dev.pretext.api.data.Dataset;
import dev.pretext.api.data.FeatureAugmentation;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.model.Frontend;
import dev.pretext.core.UserError;
import dev.pretext.core.data.BatchLoader;
import dev.pretext.core.data.BatchPlanner;
import dev.pretext.core.data.FeaturePipeline;
import dev.pretext.core.data.FeatureStats;
import dev.pretext.core.plugins.ComposedRun;
import dev.pretext.core.plugins.Composer.Composed;
import dev.pretext.core.plugins.Composer;
import dev.pretext.core.plugins.PluginRegistry;
import dev.pretext.core.recipe.ComponentRef;
import dev.pretext.core.recipe.ConfigBinder;
import dev.pretext.core.recipe.LocatedYaml;
import dev.pretext.core.recipe.Recipe;
import dev.pretext.core.run.TrainingRun;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * The data side of a run in "x real time per core": seconds of audio one thread gets through per second of
 * its CPU time. CPU time rather than wall time, because the benchmark machine is shared. Everything runs in
 * the real host on the installed bundles, composed through the registry as a run composes them: decoding
 * through the {@code wavdir} dataset (WAV and FLAC files made from the quickstart's corpus), the quickstart's
 * frontend, each augmentation at its defaults, and the core's loader making training batches from the
 * quickstart recipe with 1 and 2 threads.
 */
final class DataBench {
    /**
     * The augmentations timed one by one, each as a recipe entry at its defaults. A waveform augmentation runs on
     * the sample's audio, a feature augmentation (e.g. {@code "{type: specaugment}"}) on its frontend features.
     */
    static final List<String> AUGMENTATIONS = List.of(
            "{type: speed}",
            "{type: gain}",
            "{type: pitch}",
            "{type: noise}",
            "{type: noise, colour: pink}",
            "{type: noise, colour: brown}",
            "{type: reverb}",
            "{type: reverb, rt60: [1.5, 2.0]}",
            "{type: specaugment}");

    /** Audio each stage is timed on: long enough that a pass takes well over the timer's resolution. */
    private static final double SAMPLE_SECONDS = 120;
    /** Timed measurements per stage (after one warm-up pass); the median is reported. */
    private static final int PASSES = 3;
    /** CPU time a measurement lasts at least: cheap stages repeat their pass to get there. */
    private static final double MEASUREMENT_SECONDS = 0.25;
    /** How the core names its loader threads: their CPU time is the loader's cost. */
    private static final String LOADER_THREAD = "pretext-loader-";

    /** One line of the table. */
    record Row(String stage, String plugin, String result, String notes) {
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Keeps results observable, so that no work can be optimised away. */
    private static final java.util.concurrent.atomic.DoubleAdder SINK = new java.util.concurrent.atomic.DoubleAdder();

    private final PluginRegistry registry;
    private final ComposedRun quick;
    private final Path work;
    private final List<Row> rows = new ArrayList<>();

    private DataBench(PluginRegistry registry, ComposedRun quick, Path work) {
        this.registry = registry;
        this.quick = quick;
        this.work = work;
    }

    /**
     * Every row but the trainer's wait, which comes from a training run (see {@link #trainerWait}).
     *
     * @param quick the quickstart recipe, composed
     */
    static List<Row> run(PluginRegistry registry, ComposedRun quick, Path work) throws Exception {
        DataBench bench = new DataBench(registry, quick, work);
        bench.measure();
        return bench.rows;
    }

    /** The share of training time the trainer spent waiting for the loader, as the run's manifest gives it. */
    static Row trainerWait(TrainingRun.Result result, Recipe recipe) {
        double wait = result.outcome().dataWaitSeconds();
        double train = result.outcome().state().trainSeconds();
        return new Row("trainer waiting for data", "core", String.format(Locale.ROOT, "%.2f%% of step time",
                100 * wait / train), String.format(Locale.ROOT, "quickstart model, %d loader threads: %.2f s of "
                + "%.1f s over %d steps, first batch included", recipe.batch().loaderThreads(), wait, train,
                result.outcome().state().step()));
    }

    private void measure() throws Exception {
        Recipe recipe = quick.recipe();
        Dataset corpus = quick.train().instance();
        List<Utterance> utterances = TrainingRun.list(quick.train(), recipe.seed());
        List<Utterance> sample = new ArrayList<>();
        List<Waveform> audio = new ArrayList<>();
        double seconds = 0;
        for (Utterance u : utterances) {
            if (seconds >= SAMPLE_SECONDS) {
                break;
            }
            Waveform w = corpus.audio(u);
            sample.add(u);
            audio.add(w);
            seconds += w.seconds();
        }
        String about = String.format(Locale.ROOT, "%.0f s of %s speech, %d files", seconds,
                quick.train().plugin().type(), sample.size());
        LocatedYaml yaml = benchYaml(sample);
        Composer composer = new Composer(registry, yaml, new RunContext(recipe.seed(), work.resolve("run"),
                work.resolve("cache"), Device.cpu()));

        decode(composer, yaml, "flac", "FLAC decode (flac -8, 16-bit mono)", about);
        decode(composer, yaml, "wav", "WAV decode (16-bit mono)", about);

        Frontend frontend = quick.frontend().instance();
        List<Features> features = new ArrayList<>();
        audio.forEach(w -> features.add(frontend.extract(w)));
        double total = seconds;
        rows.add(new Row(quick.frontend().plugin().type() + " frontend", plugin(quick.frontend()),
                perCore(total, () -> each(audio, w -> frontend.extract(w).frames())),
                "quickstart's: " + settings(quick.frontend().config())));

        for (int i = 0; i < AUGMENTATIONS.size(); i++) {
            ComponentRef ref = ComponentRef.parse(yaml, PluginKind.AUGMENTATION, "augment[" + i + "]",
                    yaml.root().get("augment").get(i));
            Composed<Object> a;
            try {
                a = composer.create(ref, Object.class, null);
            } catch (UserError e) {
                rows.add(new Row(ref.type(), "-", "not measured", e.getMessage().lines().findFirst().orElse("")));
                continue;
            }
            String result;
            if (a.instance() instanceof Augmentation wave) {
                result = perCore(total, () -> {
                    SplittableRandom rng = new SplittableRandom(1);
                    return each(audio, w -> wave.apply(w, rng.split()).length());
                });
            } else {
                FeatureAugmentation feature = (FeatureAugmentation) a.instance();
                result = perCore(total, () -> {
                    SplittableRandom rng = new SplittableRandom(1);
                    return each(features, f -> feature.apply(f, rng.split()).frames());
                }) + " (on features)";
            }
            rows.add(new Row(ref.type(), plugin(a), result,
                    (ref.config().isEmpty() ? "defaults: " : "config: ") + settings(a.config())));
        }

        loader(utterances);
    }

    /** Decoding every file of the sample through a wavdir dataset, as the loader's {@code audio()} does it. */
    private void decode(Composer composer, LocatedYaml yaml, String key, String stage, String about)
            throws IOException {
        Composed<Dataset> dataset;
        try {
            dataset = composer.create(ComponentRef.parse(yaml, PluginKind.DATASET, key, yaml.root().get(key)),
                    Dataset.class, null);
        } catch (UserError e) {
            rows.add(new Row(stage, "-", "not measured", e.getMessage().lines().findFirst().orElse("")));
            return;
        }
        List<Utterance> files = dataset.instance().utterances();
        if (files.isEmpty()) {
            rows.add(new Row(stage, plugin(dataset), "not measured", "no files (see above)"));
            return;
        }
        double seconds = files.stream().mapToDouble(Utterance::seconds).sum();
        rows.add(new Row(stage, plugin(dataset), perCore(seconds, () -> each(files, u -> {
            try {
                return dataset.instance().audio(u).length();
            } catch (IOException e) {
                throw new IllegalStateException("cannot decode " + u.audio(), e);
            }
        })), about));
    }

    /** The core's loader on the quickstart recipe, as the trainer builds it, with 1 and then 2 threads. */
    private void loader(List<Utterance> utterances) throws InterruptedException {
        Recipe r = quick.recipe();
        FeatureStats stats = null;
        if (!r.featureNorm().mode().equals("none")) {
            FeaturePipeline raw = new FeaturePipeline(quick.train().instance(), List.of(), quick.frontend().instance(),
                    Double.MAX_VALUE, r.seed(), null);
            stats = FeatureStats.estimate(utterances, raw::raw, r.featureNorm().utterances(), r.seed());
        }
        FeaturePipeline pipeline = new FeaturePipeline(quick.train().instance(), quick.waveformAugmentations(),
                quick.featureAugmentations(), quick.frontend().instance(), r.batch().maxUtteranceSeconds(), r.seed(),
                stats, quick.featureCache());
        BatchPlanner planner = new BatchPlanner(utterances, r.batch().seconds(), r.batch().maxUtteranceSeconds(),
                r.seed());
        int batches = planner.plan(0).size() + planner.plan(1).size(); // two epochs
        List<String> steps = new ArrayList<>(List.of("load", "crop"));
        quick.augmentationsInOrder().forEach(a -> steps.add(a.plugin().type()));
        steps.add(quick.frontend().plugin().type());
        String what = String.join(", ", steps);
        timeLoader(planner, pipeline, 1, r.batch().prefetch(), Math.max(2, batches / 4)); // warm-up
        for (int threads : new int[]{1, 2}) {
            double[] t = timeLoader(planner, pipeline, threads, r.batch().prefetch(), batches);
            rows.add(new Row("loader, " + threads + (threads == 1 ? " thread" : " threads"), "core",
                    String.format(Locale.ROOT, "%.0fx", t[0]), String.format(Locale.ROOT,
                            "quickstart (%s): all threads %.0fx real time; %d batches, %.0f s of audio", what, t[1],
                            batches, t[2])));
        }
    }

    /**
     * Takes {@code batches} batches from a fresh loader. Returns x real time per core (audio over the loader
     * threads' CPU time), x real time of the whole loader (audio over wall time) and the audio seconds.
     */
    private static double[] timeLoader(BatchPlanner planner, FeaturePipeline pipeline, int threads, int prefetch,
                                       int batches) throws InterruptedException {
        Set<Long> earlier = loaderThreads();
        long t0 = System.nanoTime();
        try (BatchLoader loader = new BatchLoader(planner, pipeline, threads, prefetch, 0, 0)) {
            double seconds = 0;
            for (int i = 0; i < batches; i++) {
                seconds += loader.next().seconds();
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            // The loader keeps `prefetch` batches ahead: let those finish, read the threads' CPU time, then take
            // them too, so that the CPU time and the audio cover the same batches.
            Set<Long> ids = loaderThreads();
            ids.removeAll(earlier);
            double cpu = idleCpuSeconds(ids);
            double ahead = 0;
            for (int i = 0; i < prefetch; i++) {
                ahead += loader.next().seconds();
            }
            double perCore = cpu > 0 ? (seconds + ahead) / cpu : loader.realTimePerThread();
            return new double[]{perCore, seconds / wall, seconds};
        }
    }

    private static Set<Long> loaderThreads() {
        Set<Long> ids = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(LOADER_THREAD) && t.isAlive()) {
                ids.add(t.getId());
            }
        }
        return ids;
    }

    /** Waits until every thread is parked with its CPU time unchanged, then returns their total CPU seconds. */
    private static double idleCpuSeconds(Set<Long> ids) throws InterruptedException {
        long[] array = ids.stream().mapToLong(Long::longValue).toArray();
        long last = -1;
        for (int polls = 0; polls < 1000; polls++) {
            long cpu = 0;
            boolean parked = true;
            for (ThreadInfo info : THREADS.getThreadInfo(array)) {
                parked &= info == null || info.getThreadState() == Thread.State.WAITING;
            }
            for (long id : array) {
                cpu += Math.max(0, THREADS.getThreadCpuTime(id));
            }
            if (parked && cpu == last) {
                return cpu / 1e9;
            }
            last = cpu;
            Thread.sleep(20);
        }
        throw new IllegalStateException("the loader threads did not go idle");
    }

    /**
     * Median over {@link #PASSES} measurements of audio seconds per CPU second, after one warm-up pass; a
     * measurement repeats the pass until it has lasted {@link #MEASUREMENT_SECONDS}, so that cheap stages are not
     * timer noise.
     */
    private static String perCore(double audioSeconds, ToDoubleSupplier pass) {
        SINK.add(pass.get());
        double[] rates = new double[PASSES];
        for (int i = 0; i < PASSES; i++) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            int passes = 0;
            double used;
            do {
                SINK.add(pass.get());
                passes++;
                used = (THREADS.getCurrentThreadCpuTime() - t0) / 1e9;
            } while (used < MEASUREMENT_SECONDS);
            rates[i] = passes * audioSeconds / used;
        }
        Arrays.sort(rates);
        return String.format(Locale.ROOT, "%.0fx", rates[PASSES / 2]);
    }

    @FunctionalInterface
    private interface ToDoubleSupplier {
        double get();
    }

    private static <T> double each(List<T> items, ToDoubleFunction<T> work) {
        double s = 0;
        for (T item : items) {
            s += work.applyAsDouble(item);
        }
        return s;
    }

    /**
     * The sample as WAV files (copies of the corpus's) and as FLAC files made from them by {@code flac -8}, and
     * the bench's own small recipe: one wavdir dataset on each folder and the augmentations to time.
     */
    private LocatedYaml benchYaml(List<Utterance> sample) throws IOException, InterruptedException {
        Path wav = work.resolve("audio/wav");
        Path flac = work.resolve("audio/flac");
        if (!Files.isDirectory(wav)) {
            Files.createDirectories(wav);
            Files.createDirectories(flac);
            List<String> command = new ArrayList<>(List.of("flac", "-8", "-s", "-f", "--output-prefix=" + flac + "/"));
            for (Utterance u : sample) {
                Files.copy(u.audio(), wav.resolve(u.audio().getFileName()));
                command.add(u.audio().getFileName().toString());
            }
            try {
                Process p = new ProcessBuilder(command).directory(wav.toFile()).inheritIO().start();
                if (p.waitFor() != 0) {
                    System.err.println("flac exited with " + p.exitValue() + ": the FLAC row will be empty");
                }
            } catch (IOException e) {
                System.err.println("cannot run flac (" + e.getMessage() + "): the FLAC row will be empty");
            }
        }
        StringBuilder text = new StringBuilder();
        text.append("flac: {type: wavdir, root: \"").append(flac).append("\", speaker_from: none}\n");
        text.append("wav: {type: wavdir, root: \"").append(wav).append("\", speaker_from: none}\n");
        text.append("augment:\n");
        AUGMENTATIONS.forEach(a -> text.append("  - ").append(a).append('\n'));
        return LocatedYaml.read(work.resolve("data-bench.yaml"), text.toString());
    }

    private static String plugin(Composed<?> c) {
        return c.plugin().type() + " " + c.plugin().version();
    }

    /** A config's set keys as YAML-like text: {@code factors: [0.9, 1.0, 1.1], p: 1.0}. */
    private static String settings(Object config) {
        List<String> keys = new ArrayList<>();
        ConfigBinder.MAPPER.valueToTree(config).fields().forEachRemaining(e -> {
            if (!e.getValue().isNull()) {
                keys.add(e.getKey() + ": " + (e.getValue().isArray() ? e.getValue().toString().replace(",", ", ")
                        : e.getValue().asText()));
            }
        });
        return String.join(", ", keys);
    }
}
