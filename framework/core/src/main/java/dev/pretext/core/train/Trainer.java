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
import dev.pretext.core.Console;
import dev.pretext.core.TrainingFlops;
import dev.pretext.core.UserError;
import dev.pretext.core.data.BatchLoader;
import dev.pretext.core.data.BatchPlanner;
import dev.pretext.core.data.FeatureCache;
import dev.pretext.core.data.FeaturePipeline;
import dev.pretext.core.data.HostBatch;
import dev.pretext.core.data.Seeds;
import dev.pretext.core.model.UpstreamModel;
import dev.pretext.core.recipe.Budget;
import dev.pretext.core.recipe.Recipe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    private final Budget budget;
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

        Step step = new Step(model, objective, new ParameterStore(manager, false), teacher, meter, manager);
        Recipe.Batch batchSpec = setup.recipe().batch();
        int accumulate = optim.accumulate();
        LrSchedule schedule = new LrSchedule(optim.lr(), optim.warmup(), optim.schedule(), planned);
        CheckpointPolicy policy = new CheckpointPolicy(setup.recipe().checkpoint().everySteps());
        ProgressLine progress = new ProgressLine(budget, planned);
        TrainingCounters counters = TrainingCounters.from(state);
        String stopReason;
        double lastLoss = Double.NaN;
        Path lastCheckpoint = null;

        try (BatchLoader loader = new BatchLoader(setup.planner(), setup.pipeline(), batchSpec.loaderThreads(),
                batchSpec.prefetch(), counters.epoch(), counters.index());
             MetricsLog metrics = MetricsLog.open(setup.runDir().resolve("metrics.jsonl"),
                     resume ? counters.step() : -1)) {
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
                    stopReason = budget.exhausted(counters.step(), counters.trainSeconds());
                    if (stopReason != null) {
                        break;
                    }
                    // Timed from before the first batch is fetched, so a step's time and its data wait include it.
                    long t0 = System.nanoTime();
                    double waitBefore = loader.waitSeconds();
                    HostBatch first = loader.next();
                    if (budget.predictsSteps()) {
                        double encoder = TrainingFlops.of(model.flops(first.size(), first.frames()).total());
                        stopReason = budget.overspent(meter.total(), counters.predictStep(encoder, accumulate));
                        if (stopReason != null) {
                            break;
                        }
                    }
                    double lr = schedule.at(counters.step());
                    StepTally tally = new StepTally(accumulate);
                    for (int micro = 0; micro < accumulate; micro++) {
                        HostBatch hb = micro == 0 ? first : loader.next();
                        step.forwardBackward(hb, counters.step(), micro, tally);
                        tally.addBatch(hb);
                        counters.countBatch(hb, loader.batchesInEpoch(hb.epoch()), model.input().frameRateHz());
                    }
                    double gradNorm = optimizer.gradientNorm(manager);
                    if (!Double.isFinite(gradNorm)) {
                        throw new UserError("gradients became " + gradNorm + " at step " + counters.step() + " in "
                                + names(optimizer.nonFiniteGradients(manager)) + "; lower optim.lr (now " + optim.lr()
                                + "), check the features' scale (e.g. the frontend's normalisation), then start again");
                    }
                    optimizer.update(lr, clipScale(gradNorm, optim.clip()));
                    counters.stepTaken();
                    if (teacher != null) {
                        teacher.update(counters.step(), planned, manager);
                    }
                    double stepFlops = meter.takeStep();
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    counters.endStep(stepFlops, tally.encoderFlops(), seconds);
                    lastLoss = tally.loss();

                    metrics.write(new StepMetrics(counters.step(), counters.epoch(), tally.loss(), lr, gradNorm,
                            stepFlops, meter.total(), tally.rows(), tally.paddingShare(), counters.audioSeconds(),
                            seconds, loader.waitSeconds() - waitBefore, loader.realTimePerThread(),
                            loader.cacheStats(), tally.metrics()).toMap());
                    setup.console().progress(progress.step(counters.step(), tally.loss(), lr, meter.total(),
                            counters.trainSeconds(), seconds, loader.waitSeconds()), false);

                    state = counters.state(planned, meter.total(), meter.byComponent());
                    if (policy.due(counters.step())) {
                        lastCheckpoint = checkpoints.save(state, saved, optimizer);
                    }
                }
                state = counters.state(planned, meter.total(), meter.byComponent());
                if (policy.saveAtEnd(lastCheckpoint, counters.step())) {
                    lastCheckpoint = checkpoints.save(state, saved, optimizer);
                }
                // A request that came after the last check (the budget ran out meanwhile) still stops here, before
                // probing: the process is about to be killed, and the resumed run probes from this checkpoint.
                listening = false;
                stopped |= StopRequest.stopListening();
                if (stopped) {
                    setup.console().progress(progress.stopped(counters.step(), lastLoss, meter.total(),
                            counters.trainSeconds(), lastCheckpoint.getFileName().toString()), true);
                    throw new RunStopped(counters.step(), lastCheckpoint);
                }
                setup.console().progress(progress.end(counters.step(), lastLoss, meter.total(),
                        counters.trainSeconds(), stopReason), true);
                return new Outcome(state, stopReason, lastCheckpoint, loader.waitSeconds(), lastLoss,
                        loader.realTimePerThread(), loader.utterancesPerThreadSecond(), loader.cacheStats());
            } finally {
                if (listening) {
                    StopRequest.stopListening();
                }
            }
        }
    }

    /** What the update's gradients are scaled by: down to the clipping norm when above it, else left as they are. */
    static double clipScale(double gradNorm, double clip) {
        return gradNorm > clip ? clip / gradNorm : 1.0;
    }

    /**
     * The forward and backward passes of one micro-batch: what the objective computes through the metered network,
     * with every random draw seeded from the run seed, the step and the micro-batch, so a resumed run draws alike.
     */
    private final class Step {
        private final UpstreamModel model;
        private final Objective objective;
        private final ParameterStore store;
        private final Teacher teacher;
        private final BudgetMeter meter;
        private final NDManager manager;

        Step(UpstreamModel model, Objective objective, ParameterStore store, Teacher teacher, BudgetMeter meter,
             NDManager manager) {
            this.model = model;
            this.objective = objective;
            this.store = store;
            this.teacher = teacher;
            this.meter = meter;
            this.manager = manager;
        }

        void forwardBackward(HostBatch hb, long step, int micro, StepTally tally) {
            int accumulate = optim.accumulate();
            Engine.getInstance().setRandomSeed((int) Seeds.mix(seed, step, micro));
            try (NDManager sm = manager.newSubManager()) {
                NDArray feats = sm.create(hb.features(), new Shape(hb.size(), hb.frames(), hb.dim()));
                NDArray valid = sm.create(validMask(hb), new Shape(hb.size(), hb.frames()));
                TrainingBatch batch = new TrainingBatch(feats, valid, hb.lengths(), hb.utterances(), sm,
                        new SplittableRandom(Seeds.mix(seed, step, micro, 0xBA7C4L)), hb.startSeconds());
                MeteredCall call = new MeteredCall(model, store, teacher == null ? null : teacher.store(sm), meter,
                        true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    ObjectiveResult result = objective.forward(batch, call, store, meter, true);
                    NDArray loss = result.loss();
                    // An array, not div(Number): DJL frees Number operands before autograd is done with them.
                    gc.backward(accumulate > 1 ? loss.div(sm.create((float) accumulate)) : loss);
                    float lv = loss.getFloat();
                    if (!Float.isFinite(lv)) {
                        throw new UserError(step == 0 ? nonFiniteFirstLoss(lv, hb)
                                : "the loss became " + lv + " at step " + step + " (epoch " + hb.epoch()
                                + "); lower optim.lr (now " + optim.lr() + ") or raise optim.warmup, then "
                                + "resume from the last checkpoint or start again");
                    }
                    tally.addLoss(lv);
                    tally.addStudentForward(call.studentForward());
                    for (var e : result.metrics().entrySet()) {
                        tally.addMetric(e.getKey(), e.getValue().getFloat());
                    }
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

    /** Steps the schedule is laid out for: exact for a step budget, estimated from planned shapes otherwise. */
    long plannedSteps() {
        return budget.plannedSteps(this::estimatedFlopsPerStep);
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
            sum += TrainingFlops.of(setup.model().flops(batch.length, setup.model().input().frames(longest)).total());
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
