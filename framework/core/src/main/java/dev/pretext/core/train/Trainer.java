package dev.pretext.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.pretext.api.model.Objective;
import dev.pretext.api.model.ObjectiveResult;
import dev.pretext.api.model.TrainingBatch;
import dev.pretext.core.UserError;
import dev.pretext.core.data.BatchLoader;
import dev.pretext.core.data.BatchPlanner;
import dev.pretext.core.data.FeatureCache;
import dev.pretext.core.data.FeaturePipeline;
import dev.pretext.core.data.HostBatch;
import dev.pretext.core.model.UpstreamModel;
import dev.pretext.core.data.Seeds;
import dev.pretext.core.recipe.Recipe;
import dev.pretext.core.run.Console;
import dev.pretext.core.run.MetricsLog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The pre-training loop: batches from the loader, the objective's loss through the encoder, gradients
 * accumulated over micro-batches, clipped, AdamW; the budget checked before every step so that a step that
 * would overspend is never started; metrics per step; checkpoints every so often and at the end.
 *
 * <p>Every random choice comes from the recipe seed and the step number, and the data plan from the seed and
 * epoch, so a run resumed from a checkpoint continues with exactly the numbers an uninterrupted run would have.
 */
public final class Trainer {
    /**
     * Everything a training run is made of.
     *
     * @param cpuWeights builds a fresh copy of the model and objective and initialises it on the CPU manager it is
     *                   given, returning its parameters in the order of {@link #initialize}; used when the run's
     *                   manager is on a GPU, so that a run starts from the same weights on every device (libtorch
     *                   draws other random numbers on CUDA than on the CPU). May be null: then a GPU run keeps the
     *                   weights drawn on the GPU.
     */
    public record Setup(UpstreamModel model, Objective objective, BatchPlanner planner,
                        FeaturePipeline pipeline, Recipe recipe, Path runDir, Console console,
                        java.util.function.Function<NDManager, List<Parameter>> cpuWeights) {
        public Setup(UpstreamModel model, Objective objective, BatchPlanner planner, FeaturePipeline pipeline,
                     Recipe recipe, Path runDir, Console console) {
            this(model, objective, planner, pipeline, recipe, runDir, console, null);
        }
    }

    /**
     * How a run ended.
     *
     * @param featureCache what the loader's feature cache served since this (re)start; null without a cache
     */
    public record Outcome(TrainingState state, String stopReason, Path checkpoint, double dataWaitSeconds,
                          double lastLoss, double loaderRealTimePerThread, double loaderUtterancesPerThreadSecond,
                          FeatureCache.Stats featureCache) {
    }

    private final Setup setup;
    private final Recipe.Optim optim;
    private final Recipe.Budget budget;
    private final long seed;

    public Trainer(Setup setup) {
        this.setup = setup;
        this.optim = setup.recipe().optim();
        this.budget = setup.recipe().budget();
        this.seed = setup.recipe().seed();
    }

    /** Creates the model's and the objective's parameters from the run seed, in checkpoint order. */
    public static List<Parameter> initialize(UpstreamModel model, Objective objective, NDManager manager, long seed) {
        List<Parameter> params = new ArrayList<>(model.initialize(manager, seed));
        objective.initialize(manager, model.shape());
        params.addAll(objective.block().getParameters().values());
        return params;
    }

    /**
     * Overwrites parameters made on another device with the same network's parameters drawn on the CPU: every
     * host-side value goes to the device by an explicit copy into the parameter's own array.
     */
    public static void copyCpuWeights(List<Parameter> params, java.util.function.Function<NDManager, List<Parameter>> cpu) {
        try (NDManager host = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            List<Parameter> drawn = cpu.apply(host);
            if (drawn.size() != params.size()) {
                throw new IllegalStateException("the CPU copy of the network has " + drawn.size()
                        + " parameters, the run's " + params.size());
            }
            for (int i = 0; i < params.size(); i++) {
                NDArray target = params.get(i).getArray();
                NDArray source = drawn.get(i).getArray();
                if (!target.getShape().equals(source.getShape())) {
                    throw new IllegalStateException("parameter " + params.get(i).getName() + " is "
                            + target.getShape() + " on the device but " + source.getShape() + " on the CPU");
                }
                // Through a Java array, as checkpoints load: DJL copies it into the target on its device, and the
                // target keeps no reference to the CPU copy's memory, which is freed below.
                target.set(source.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
            }
        }
    }

    public Outcome train(NDManager manager, boolean resume) {
        UpstreamModel model = setup.model();
        Objective objective = setup.objective();
        List<Parameter> params = initialize(model, objective, manager, seed);
        if (!manager.getDevice().equals(ai.djl.Device.cpu()) && setup.cpuWeights() != null) {
            copyCpuWeights(params, setup.cpuWeights());
        }
        // The teacher starts as a copy of the initial body; its weights are checkpointed after the student's.
        Teacher teacher = objective.teacher().map(schedule -> new Teacher(schedule, model.bodyParameters()))
                .orElse(null);
        List<Parameter> saved = new ArrayList<>(params);
        if (teacher != null) {
            saved.addAll(teacher.parameters());
        }
        AdamW optimizer = new AdamW(params, manager, optim.beta1(), optim.beta2(), optim.eps(), optim.weightDecay());
        Checkpoints checkpoints = new Checkpoints(setup.runDir().resolve("checkpoints"),
                setup.recipe().checkpoint().keep());
        BudgetMeter meter = new BudgetMeter();

        TrainingState state = TrainingState.start();
        if (resume) {
            Path latest = checkpoints.latest().orElse(null);
            if (latest != null) {
                state = checkpoints.load(latest, saved, optimizer, manager);
                meter.restore(state.flops(), state.flopsByComponent());
                setup.console().line("resumed from " + latest.getFileName() + " (step " + state.step() + ")");
            } else {
                setup.console().line("no checkpoint in " + checkpoints.dir() + ": starting from step 0");
            }
        }
        long planned = state.plannedSteps() > 0 ? state.plannedSteps() : plannedSteps();

        ParameterStore store = new ParameterStore(manager, false);
        Recipe.Batch batchSpec = setup.recipe().batch();
        int accumulate = optim.accumulate();
        long step = state.step();
        int epoch = state.epoch();
        int index = state.batchIndex();
        double audio = state.audioSeconds();
        double padded = state.paddedSeconds();
        double trainSeconds = state.trainSeconds();
        String stopReason;
        double lastLoss = Double.NaN;
        double ratioTotalToEncoder = state.stepToEncoderFlops() > 0 ? state.stepToEncoderFlops() : 1.0;
        Path lastCheckpoint = null;

        try (BatchLoader loader = new BatchLoader(setup.planner(), setup.pipeline(), batchSpec.loaderThreads(),
                batchSpec.prefetch(), epoch, index);
             MetricsLog metrics = MetricsLog.open(setup.runDir().resolve("metrics.jsonl"), resume ? step : -1)) {
            if (resume) {
                // A resumed run that had already spent its budget takes no step: its final loss is the last logged.
                lastLoss = MetricsLog.lastLoss(setup.runDir().resolve("metrics.jsonl"));
            }
            StopRequest.listen();
            boolean listening = true;
            try {
                boolean stopped = false;
                while (true) {
                    if (StopRequest.requested()) {
                        // Between two steps: everything the step changed is in the state below, and the next step's
                        // numbers depend only on it, so the checkpoint resumes exactly as if nothing had happened.
                        stopReason = "stopped on request";
                        stopped = true;
                        break;
                    }
                    if (budget.steps() != null && step >= budget.steps()) {
                        stopReason = "step budget spent";
                        break;
                    }
                    if (budget.hours() != null && trainSeconds >= budget.hours() * 3600) {
                        stopReason = "time budget spent";
                        break;
                    }
                    // Timed from before the first batch is fetched, so a step's time and its data wait include it.
                    long t0 = System.nanoTime();
                    double waitBefore = loader.waitSeconds();
                    HostBatch first = loader.next();
                    if (budget.flops() != null) {
                        double predicted = 3 * model.flops(first.size(), first.frames()).total() * ratioTotalToEncoder
                                * accumulate;
                        if (meter.total() + predicted > budget.flops()) {
                            stopReason = "FLOPs budget spent";
                            break;
                        }
                    }
                    double lr = new LrSchedule(optim.lr(), optim.warmup(), optim.schedule(), planned).at(step);
                    double lossSum = 0;
                    double encoderFlops = 0;
                    Map<String, Double> objectiveMetrics = new LinkedHashMap<>();
                    double padShare = 0;
                    int rows = 0;
                    for (int micro = 0; micro < accumulate; micro++) {
                        HostBatch hb = micro == 0 ? first : loader.next();
                        Engine.getInstance().setRandomSeed((int) Seeds.mix(seed, step, micro));
                        try (NDManager sm = manager.newSubManager()) {
                            NDArray feats = sm.create(hb.features(), new Shape(hb.size(), hb.frames(), hb.dim()));
                            NDArray valid = sm.create(validMask(hb), new Shape(hb.size(), hb.frames()));
                            TrainingBatch batch = new TrainingBatch(feats, valid, hb.lengths(), hb.utterances(), sm,
                                    new SplittableRandom(Seeds.mix(seed, step, micro, 0xBA7C4L)), hb.startSeconds());
                            MeteredCall call = new MeteredCall(model, store, teacher == null ? null : teacher.store(sm),
                                    meter, true);
                            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                                ObjectiveResult result = objective.forward(batch, call, store, meter, true);
                                NDArray loss = result.loss();
                                // An array, not div(Number): DJL frees Number operands before autograd is done
                                // with them.
                                gc.backward(accumulate > 1 ? loss.div(sm.create((float) accumulate)) : loss);
                                float lv = loss.getFloat();
                                if (!Float.isFinite(lv)) {
                                    throw new UserError(step == 0 ? nonFiniteFirstLoss(lv, hb)
                                            : "the loss became " + lv + " at step " + step + " (epoch " + hb.epoch()
                                            + "); lower optim.lr (now " + optim.lr() + ") or raise optim.warmup, then "
                                            + "resume from the last checkpoint or start again");
                                }
                                lossSum += lv / accumulate;
                                encoderFlops += 3 * call.studentForward();
                                for (var e : result.metrics().entrySet()) {
                                    objectiveMetrics.merge(e.getKey(), (double) e.getValue().getFloat() / accumulate,
                                            Double::sum);
                                }
                            }
                        }
                        audio += hb.seconds();
                        // Audio plus padding: frames stand for slightly less audio than they cover, so the padded
                        // frames count alone could fall below the audio (a negative padding share).
                        padded += hb.seconds() + (hb.size() * (double) hb.frames() - hb.realFrames())
                                / model.input().frameRateHz();
                        padShare += hb.paddingShare() / accumulate;
                        rows += hb.size();
                        int[] next = advance(loader, hb.epoch(), hb.index());
                        epoch = next[0];
                        index = next[1];
                    }
                    double gradNorm = optimizer.gradientNorm(manager);
                    if (!Double.isFinite(gradNorm)) {
                        throw new UserError("gradients became " + gradNorm + " at step " + step + " in "
                                + names(optimizer.nonFiniteGradients(manager)) + "; lower optim.lr (now " + optim.lr()
                                + "), check the features' scale (e.g. the frontend's normalisation), then start again");
                    }
                    double scale = gradNorm > optim.clip() ? optim.clip() / gradNorm : 1.0;
                    optimizer.update(lr, scale, manager);
                    step++;
                    if (teacher != null) {
                        teacher.update(step, planned, manager);
                    }
                    double stepFlops = meter.takeStep();
                    ratioTotalToEncoder = encoderFlops > 0 ? stepFlops / encoderFlops : 1.0;
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    trainSeconds += seconds;
                    lastLoss = lossSum;

                    Map<String, Object> record = new LinkedHashMap<>();
                    record.put("step", step);
                    record.put("epoch", epoch);
                    record.put("loss", lossSum);
                    record.put("lr", lr);
                    record.put("grad_norm", gradNorm);
                    record.put("flops_step", stepFlops);
                    record.put("flops_total", meter.total());
                    record.put("rows", rows);
                    record.put("padding_share", padShare);
                    record.put("audio_seconds_total", audio);
                    record.put("step_seconds", seconds);
                    record.put("data_wait_seconds", loader.waitSeconds() - waitBefore);
                    record.put("loader_x_realtime_per_thread", loader.realTimePerThread());
                    FeatureCache.Stats cache = loader.cacheStats();
                    if (cache != null) {
                        // Cumulative since the (re)start, prefetched batches included.
                        record.put("feature_cache_hits", cache.hits());
                        record.put("feature_cache_misses", cache.misses());
                        record.put("feature_cache_bypassed", cache.bypassed());
                    }
                    objectiveMetrics.forEach(record::put);
                    metrics.write(record);

                    setup.console().progress(String.format(Locale.ROOT,
                            "step %d/%s  loss %.4f  lr %.2e  %s  %.2fs/step  data waited %.1f%%", step,
                            budget.steps() != null ? budget.steps().toString() : "~" + planned, lossSum, lr,
                            budgetProgress(meter.total(), trainSeconds, step), seconds,
                            trainSeconds > 0 ? 100 * loader.waitSeconds() / trainSeconds : 0), false);

                    state = new TrainingState(step, epoch, index, planned, meter.total(), meter.byComponent(), audio,
                            padded, trainSeconds, ratioTotalToEncoder);
                    if (step % setup.recipe().checkpoint().everySteps() == 0) {
                        lastCheckpoint = checkpoints.save(state, saved, optimizer);
                    }
                }
                state = new TrainingState(step, epoch, index, planned, meter.total(), meter.byComponent(), audio,
                        padded, trainSeconds, ratioTotalToEncoder);
                if (lastCheckpoint == null
                        || !lastCheckpoint.getFileName().toString().endsWith(String.format("%08d", step))) {
                    lastCheckpoint = checkpoints.save(state, saved, optimizer);
                }
                // A request that came after the last check (the budget ran out meanwhile) still stops here, before
                // probing: the process is about to be killed, and the resumed run probes from this checkpoint.
                listening = false;
                stopped |= StopRequest.stopListening();
                if (stopped) {
                    setup.console().progress(String.format(Locale.ROOT, "step %d  loss %.4f  %s  (stopped on request, "
                            + "checkpoint %s)", step, lastLoss, budgetProgress(meter.total(), trainSeconds, step),
                            lastCheckpoint.getFileName()), true);
                    throw new RunStopped(step, lastCheckpoint);
                }
                setup.console().progress(String.format(Locale.ROOT, "step %d  loss %.4f  %s  (%s)", step, lastLoss,
                        budgetProgress(meter.total(), trainSeconds, step), stopReason), true);
                return new Outcome(state, stopReason, lastCheckpoint, loader.waitSeconds(), lastLoss,
                        loader.realTimePerThread(), loader.utterancesPerThreadSecond(), loader.cacheStats());
            } finally {
                if (listening) {
                    StopRequest.stopListening();
                }
            }
        }
    }

    /**
     * At the very first step no update has happened yet, so the learning rate cannot be the cause: the batch is
     * (audio with NaN or Inf samples, or features a frontend could not compute).
     */
    private static String nonFiniteFirstLoss(float loss, HostBatch hb) {
        List<String> ids = hb.utterances().stream().limit(8).map(u -> u.id()).toList();
        return "the loss was " + loss + " at the first step, before any weight was updated, so the learning rate is "
                + "not the cause; the data most likely is: its batch held " + String.join(", ", ids)
                + (hb.utterances().size() > ids.size() ? " and " + (hb.utterances().size() - ids.size()) + " more" : "")
                + ". Look for audio with NaN or Inf samples (set verify_audio: true on the dataset to "
                + "check every file before training), or check feature_stats.json for NaN";
    }

    /** Parameter names as the blocks know them (e.g. {@code 02TransformerLayer_attention_qkv_weight}). */
    private List<String> names(List<Integer> indices) {
        List<String> all = new ArrayList<>(setup.model().parameterNames());
        setup.objective().block().getParameters().keys().forEach(k -> all.add("objective " + k));
        return indices.stream().map(i -> i < all.size() ? all.get(i) : "#" + i).toList();
    }

    private static int[] advance(BatchLoader loader, int epoch, int index) {
        return index + 1 >= loader.batchesInEpoch(epoch) ? new int[]{epoch + 1, 0} : new int[]{epoch, index + 1};
    }

    private String budgetProgress(double flops, double seconds, long step) {
        if (budget.flops() != null) {
            return String.format(Locale.ROOT, "%.3g/%.3g FLOPs", flops, budget.flops());
        }
        if (budget.hours() != null) {
            return String.format(Locale.ROOT, "%.0f/%.0f s", seconds, budget.hours() * 3600);
        }
        return String.format(Locale.ROOT, "%.3g FLOPs", flops);
    }

    /** Steps the schedule is laid out for: exact for a step budget, estimated from planned shapes otherwise. */
    long plannedSteps() {
        if (budget.steps() != null) {
            return budget.steps();
        }
        double perStep = estimatedFlopsPerStep();
        if (budget.flops() != null) {
            return Math.max(1, (long) Math.floor(budget.flops() / perStep));
        }
        // An hour budget: assume the machine reaches 20 GFLOP/s; the schedule is only a plan.
        return Math.max(1, (long) (budget.hours() * 3600 * 20e9 / perStep));
    }

    /** Mean training FLOPs of the first epoch's batches (encoder only; heads are a small, unknown extra). */
    double estimatedFlopsPerStep() {
        List<int[]> plan = setup.planner().plan(0);
        double sum = 0;
        for (int[] batch : plan) {
            double longest = 0;
            for (int i : batch) {
                longest = Math.max(longest, setup.planner().croppedSeconds(setup.planner().utterances().get(i)));
            }
            sum += 3 * setup.model().flops(batch.length, setup.model().input().frames(longest)).total();
        }
        return sum / plan.size() * optim.accumulate();
    }

    private static float[] validMask(HostBatch hb) {
        float[] mask = new float[hb.size() * hb.frames()];
        for (int b = 0; b < hb.size(); b++) {
            for (int t = 0; t < hb.lengths()[b]; t++) {
                mask[b * hb.frames() + t] = 1f;
            }
        }
        return mask;
    }
}
