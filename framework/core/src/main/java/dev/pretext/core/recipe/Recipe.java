package dev.pretext.core.recipe;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * The core's view of a recipe: its own sections typed, plugin sections kept as trees until the plugin that
 * reads them is resolved (see {@link ComponentRef}). Defaults are filled here and written to the run's
 * resolved {@code recipe.yaml}.
 */
public record Recipe(String name, Long seed, Budget budget, Data data, List<JsonNode> augment, JsonNode frontend,
                     FeatureNorm featureNorm, JsonNode encoder, JsonNode objective, Optim optim, Batch batch,
                     Checkpoint checkpoint, Probes probes, String device) {
    /** The longest run name: one folder name, well under file systems' 255 bytes. */
    public static final int MAX_NAME = 100;

    public Recipe {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("every recipe needs a name (it names the run folder)");
        }
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("name '" + name + "' may use only letters, digits, '.', '_' and '-'");
        }
        // The name is one folder under --runs: '.' and '..' are not new folders, and file systems cap a name at
        // 255 bytes (checkpoints add suffixes); a run name is a short label.
        if (name.length() > MAX_NAME) {
            throw new IllegalArgumentException("name is " + name.length() + " characters long; a run name is at most "
                    + MAX_NAME + " (it names the run folder)");
        }
        if (name.matches("\\.+")) {
            throw new IllegalArgumentException("name '" + name + "' is not a folder name of its own; use e.g. run-1");
        }
        seed = seed == null ? 0L : seed;
        augment = augment == null ? List.of() : List.copyOf(augment);
        optim = optim == null ? new Optim(null, null, null, null, null, null, null, null, null) : optim;
        batch = batch == null ? new Batch(null, null, null, null) : batch;
        checkpoint = checkpoint == null ? new Checkpoint(null, null) : checkpoint;
        featureNorm = featureNorm == null ? new FeatureNorm(null, null) : featureNorm;
        // Where the run trains: auto (a GPU when DJL sees one), cpu, gpu, gpu:N. Resolved when the run starts.
        device = DeviceRequest.parse(device).toString();
    }

    /** The parsed {@code device} key. */
    public DeviceRequest deviceRequest() {
        return DeviceRequest.parse(device);
    }

    /**
     * How the frontend's features are normalised before the encoder (and the probes) see them.
     *
     * @param mode       {@code global}: per-dimension mean and deviation over a sample of the training data
     *                   (kept in the run folder); {@code none}: the frontend's output as it is
     * @param utterances how many training utterances the statistics are estimated from
     */
    public record FeatureNorm(String mode, Integer utterances) {
        public static final List<String> MODES = List.of("global", "none");

        public FeatureNorm {
            mode = mode == null ? "global" : mode;
            utterances = utterances == null ? 500 : utterances;
            if (!MODES.contains(mode)) {
                throw new IllegalArgumentException("mode '" + mode + "' is not one of " + MODES);
            }
            if (utterances < 1) {
                throw new IllegalArgumentException("utterances must be >= 1, got " + utterances);
            }
        }
    }

    /**
     * {@code train} feeds pre-training; {@code probe} (default: train) feeds the probes.
     *
     * @param featureCache keep the frontend's features of whole, unaugmented utterances in the cache folder
     *                     ({@code <cache>/features}) and reuse them; changes no number (default false)
     */
    public record Data(JsonNode train, JsonNode probe, Boolean featureCache) {
        public Data {
            featureCache = featureCache == null ? Boolean.FALSE : featureCache;
        }
    }

    public record Optim(Double lr, Double warmup, String schedule, Double clip, Double weightDecay, Integer accumulate,
                        Double beta1, Double beta2, Double eps) {
        public static final List<String> SCHEDULES = List.of("linear", "cosine", "constant");

        public Optim {
            lr = lr == null ? 5e-4 : lr;
            warmup = warmup == null ? 0.08 : warmup;
            schedule = schedule == null ? "linear" : schedule;
            clip = clip == null ? 10.0 : clip;
            weightDecay = weightDecay == null ? 0.01 : weightDecay;
            accumulate = accumulate == null ? 1 : accumulate;
            beta1 = beta1 == null ? 0.9 : beta1;
            beta2 = beta2 == null ? 0.98 : beta2;
            eps = eps == null ? 1e-6 : eps;
            if (!(lr > 0) || lr > 1) {
                throw new IllegalArgumentException("lr must be in (0, 1], got " + lr);
            }
            if (!(warmup >= 0 && warmup < 1)) {
                throw new IllegalArgumentException("warmup is a share of the planned steps in [0, 1), got " + warmup);
            }
            if (!SCHEDULES.contains(schedule)) {
                throw new IllegalArgumentException("schedule '" + schedule + "' is not one of " + SCHEDULES);
            }
            if (!(clip > 0)) {
                throw new IllegalArgumentException("clip (max gradient norm) must be positive, got " + clip);
            }
            if (weightDecay < 0) {
                throw new IllegalArgumentException("weight_decay must be >= 0, got " + weightDecay);
            }
            if (accumulate < 1) {
                throw new IllegalArgumentException("accumulate must be >= 1, got " + accumulate);
            }
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0)) {
                throw new IllegalArgumentException("beta1 and beta2 must be in [0, 1) and eps positive");
            }
        }
    }

    /**
     * How the loader forms batches.
     *
     * @param seconds             audio per batch, padding included (the batcher never exceeds it)
     * @param maxUtteranceSeconds longer utterances are cropped to a random window of this length
     */
    public record Batch(Double seconds, Double maxUtteranceSeconds, Integer loaderThreads, Integer prefetch) {
        public static final int MAX_LOADER_THREADS = 64;
        public static final int MAX_PREFETCH = 64;

        public Batch {
            seconds = seconds == null ? 80.0 : seconds;
            maxUtteranceSeconds = maxUtteranceSeconds == null ? 15.0 : maxUtteranceSeconds;
            loaderThreads = loaderThreads == null ? 2 : loaderThreads;
            prefetch = prefetch == null ? 4 : prefetch;
            if (!(maxUtteranceSeconds > 0) || !(seconds >= maxUtteranceSeconds)) {
                throw new IllegalArgumentException("need 0 < max_utterance_seconds <= seconds, got "
                        + maxUtteranceSeconds + " and " + seconds);
            }
            if (loaderThreads < 1 || prefetch < 1) {
                throw new IllegalArgumentException("loader_threads and prefetch must be >= 1");
            }
            // Each thread and each prefetched batch holds a batch of features; more than a few do not feed a
            // step faster, and the loader starts `prefetch` batches at once.
            if (loaderThreads > MAX_LOADER_THREADS || prefetch > MAX_PREFETCH) {
                throw new IllegalArgumentException("loader_threads is " + loaderThreads + " and prefetch " + prefetch
                        + "; at most " + MAX_LOADER_THREADS + " and " + MAX_PREFETCH + " (2 and 4 are the defaults)");
            }
        }
    }

    /**
     * How often the trainer saves, and how many checkpoints it keeps.
     *
     * @param everySteps save every so many optimizer steps (and always at the end)
     */
    public record Checkpoint(Integer everySteps, Integer keep) {
        public Checkpoint {
            everySteps = everySteps == null ? 100 : everySteps;
            keep = keep == null ? 2 : keep;
            if (everySteps < 1 || keep < 1) {
                throw new IllegalArgumentException("every_steps and keep must be >= 1");
            }
        }
    }

    /**
     * What the run probes after training, and against which baselines.
     *
     * @param tasks     probe components, e.g. {@code [{type: phonemes}, {type: speakers}]}
     * @param baselines upstreams to compare with the pre-trained encoder: {@code features} (the frontend's
     *                  output) and {@code random} (the same encoder, randomly initialised)
     * @param testShare share of each speaker's utterances held out for testing
     * @param seeds     probe seeds: each draws its own split of the probe data and its own head initialisation,
     *                  and every upstream is probed under each; null for one seed, the recipe's
     */
    public record Probes(List<JsonNode> tasks, List<String> baselines, Double testShare, List<Long> seeds) {
        public static final List<String> BASELINES = List.of("features", "random");
        /** Each seed trains every head once more; more than this is a study, not a run's probing. */
        public static final int MAX_SEEDS = 32;

        public Probes {
            tasks = tasks == null ? List.of() : List.copyOf(tasks);
            baselines = baselines == null ? BASELINES : List.copyOf(baselines);
            testShare = testShare == null ? 0.25 : testShare;
            for (String b : baselines) {
                if (!BASELINES.contains(b)) {
                    throw new IllegalArgumentException("baseline '" + b + "' is not one of " + BASELINES);
                }
            }
            if (!(testShare > 0 && testShare < 1)) {
                throw new IllegalArgumentException("test_share must be in (0, 1), got " + testShare);
            }
            if (seeds != null) {
                String problem = seedsProblem(seeds);
                if (problem != null) {
                    throw new IllegalArgumentException("seeds: " + problem);
                }
                seeds = List.copyOf(seeds);
            }
        }

        /** The probe seeds to use: the recipe's own, or its run seed alone (probing as before seeds existed). */
        public List<Long> seedsOr(long recipeSeed) {
            return seeds == null ? List.of(recipeSeed) : seeds;
        }

        /** What is wrong with a list of probe seeds, or null when it is usable: 1 to 32 distinct whole numbers. */
        public static String seedsProblem(List<Long> seeds) {
            if (seeds.isEmpty()) {
                return "the list is empty; give one to " + MAX_SEEDS + " distinct whole numbers, e.g. [1, 2, 3]";
            }
            if (seeds.size() > MAX_SEEDS) {
                return seeds.size() + " seeds; at most " + MAX_SEEDS + " (each trains every probe head again)";
            }
            java.util.Set<Long> seen = new java.util.HashSet<>();
            for (int i = 0; i < seeds.size(); i++) {
                Long s = seeds.get(i);
                if (s == null) {
                    return "entry " + (i + 1) + " is empty; give whole numbers, e.g. [1, 2, 3]";
                }
                if (!seen.add(s)) {
                    return "seed " + s + " appears twice; a repeated seed repeats the same split and head, so the "
                            + "seeds must differ";
                }
            }
            return null;
        }
    }
}
