package dev.pretext.testkit;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.pretext.api.RunContext;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.model.Encoder;
import dev.pretext.api.model.NetworkShape;
import dev.pretext.api.model.Objective;
import dev.pretext.api.model.ObjectiveResult;
import dev.pretext.api.model.TrainingBatch;
import dev.pretext.core.train.Teacher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every objective must do, checked on real libtorch with a real encoder and the real-signal batch of
 * {@link SpectralBatch}. An objective bundle's test extends this class and supplies the objective, and the
 * encoder if the testkit's small {@link TestEncoder} will not do; it may add its own tests beside these.
 *
 * <pre>{@code
 * class ApcContractTest extends ObjectiveContract {
 *     protected Objective newObjective(FeatureSpec spec) { return new ApcObjective(new ApcConfig(null, null)); }
 *     protected Encoder newEncoder(FeatureSpec spec) { return TestEncoder.smallCausal(); }
 * }
 * }</pre>
 *
 * <p>The model is built the way the core builds it: the engine seed set, the encoder created and initialised,
 * then the objective initialised with the network's shape (identity frontend), and the core's {@link Teacher}
 * when the objective asks for one (it is not updated here, so targets stay put while one batch is overfitted);
 * every pass goes through the core's own metered call ({@link TestEncoderCall}). The
 * engine seed is set again before every forward pass, as the core does before every step.
 */
public abstract class ObjectiveContract {
    /** Engine seed set before each forward pass (the core sets one per step). */
    private static final int STEP_SEED = 1234;

    /** A temporary folder for run contexts ({@link #runContext}). */
    @TempDir
    protected Path tempDir;

    private NDManager manager;
    private SpectralBatch data;

    /** A new, uninitialised objective for features described by {@code spec}. */
    protected abstract Objective newObjective(FeatureSpec spec);

    /**
     * A new, uninitialised encoder for {@code spec}: by default the testkit's {@link TestEncoder#small()}, so that
     * an objective outside pretext needs no encoder bundle. Override for a causal one
     * ({@link TestEncoder#smallCausal()}) or a real body.
     */
    protected Encoder newEncoder(FeatureSpec spec) {
        return TestEncoder.small();
    }

    /** The features the objective is tested on; override for another width. */
    protected FeatureSpec spec() {
        return new FeatureSpec(16, SpectralBatch.FRAME_RATE);
    }

    /**
     * Whether the loss depends on {@link TrainingBatch#rng()} (masks, negatives, noise): then another stream must
     * give another loss. Override with false for objectives without randomness (e.g. APC).
     */
    protected boolean usesBatchRandomness() {
        return true;
    }

    /**
     * Whether the loss ignores what padded frames contain (it should: padding is zero by convention, not by
     * promise). Override with false, and say why, where an objective cannot keep padding out.
     */
    protected boolean ignoresPadding() {
        return true;
    }

    /** Optimiser steps on one batch in the overfitting test. */
    protected int overfitSteps() {
        return 40;
    }

    /** Adam's learning rate in the overfitting test. */
    protected float overfitLearningRate() {
        return 3e-3f;
    }

    /** The overfitting test passes when the last loss is below this share of the first. */
    protected double overfitRatio() {
        return 0.5;
    }

    /** A run context with {@code seed}, for objectives that inject one; folders under a JUnit temp dir. */
    protected RunContext runContext(long seed) {
        return TestRuns.context(tempDir, seed);
    }

    /** The manager the models live in; open during each test. */
    protected final NDManager manager() {
        return manager;
    }

    /** The shared real-signal batch, with {@link #spec()}'s width. */
    protected final SpectralBatch data() {
        return data;
    }

    @BeforeEach
    void openManager() {
        manager = NDManager.newBaseManager();
        data = SpectralBatch.of(spec().dim());
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    /** An encoder, its objective and (if the objective asks) a teacher, built from one engine seed. */
    protected record Model(Encoder encoder, Objective objective, Teacher teacher) {
        public List<Parameter> encoderParameters() {
            return new ArrayList<>(encoder.block().getParameters().values());
        }

        /** Everything an optimiser would train: the encoder's parameters, then the objective's. */
        public List<Parameter> trainable() {
            List<Parameter> all = encoderParameters();
            for (Parameter p : objective.block().getParameters().values()) {
                if (p.requiresGradient()) {
                    all.add(p);
                }
            }
            return all;
        }
    }

    /** The network as the core describes it to an objective: {@code encoder} fed by {@code bodyInput}. */
    public static NetworkShape shape(FeatureSpec input, FeatureSpec bodyInput, Encoder encoder) {
        return new NetworkShape(input, bodyInput, encoder.dim(), encoder.layers(), encoder.causal());
    }

    /** Builds a model the way the core does, from engine seed {@code seed}. */
    protected final Model build(int seed) {
        FeatureSpec spec = spec();
        Engine.getInstance().setRandomSeed(seed);
        Encoder encoder = newEncoder(spec);
        encoder.initialize(manager, spec);
        Objective objective = newObjective(spec);
        objective.initialize(manager, shape(spec, spec, encoder));
        Teacher teacher = objective.teacher()
                .map(schedule -> new Teacher(schedule, new ArrayList<>(encoder.block().getParameters().values())))
                .orElse(null);
        return new Model(encoder, objective, teacher);
    }

    /**
     * One forward pass of the objective on {@code batch}: head FLOPs go to {@code headMeter}, the encoder's to
     * {@code encoderMeter}.
     */
    protected final ObjectiveResult forward(Model model, TrainingBatch batch, RecordingMeter headMeter,
                                            RecordingMeter encoderMeter, boolean training) {
        NDManager step = batch.manager();
        ParameterStore store = new ParameterStore(step, false);
        TestEncoderCall call = new TestEncoderCall(model.encoder(), store,
                model.teacher() == null ? null : model.teacher().store(step), encoderMeter, training);
        Engine.getInstance().setRandomSeed(STEP_SEED);
        return model.objective().forward(batch, call, store, headMeter, training);
    }

    private float loss(Model model, float[] data, long rngSeed, boolean training) {
        try (NDManager step = manager.newSubManager()) {
            return forward(model, this.data.batch(step, data, rngSeed), new RecordingMeter(), new RecordingMeter(),
                    training).loss().getFloat();
        }
    }

    @Test
    void lossIsAFinitePositiveScalarAndMetricsAreFinite() {
        Model model = build(1);
        try (NDManager step = manager.newSubManager()) {
            ObjectiveResult result = forward(model, data.batch(step, 3), new RecordingMeter(), new RecordingMeter(),
                    true);
            assertEquals(new Shape(), result.loss().getShape(), "the loss must be a scalar");
            float loss = result.loss().getFloat();
            assertTrue(Float.isFinite(loss) && loss > 0, "loss " + loss);
            for (Map.Entry<String, NDArray> metric : result.metrics().entrySet()) {
                assertEquals(1, metric.getValue().size(), "metric " + metric.getKey() + " must be a scalar");
                float value = metric.getValue().getFloat();
                assertTrue(Float.isFinite(value), "metric " + metric.getKey() + " is " + value);
            }
        }
    }

    @Test
    void headsAndEncoderReportPositiveFlops() {
        Model model = build(1);
        RecordingMeter heads = new RecordingMeter();
        RecordingMeter encoder = new RecordingMeter();
        try (NDManager step = manager.newSubManager()) {
            forward(model, data.batch(step, 3), heads, encoder, true);
        }
        assertFalse(heads.entries().isEmpty(), "the objective reported no FLOPs for its heads to the meter");
        assertTrue(heads.forward("") > 0, "head FLOPs " + heads.forward(""));
        for (RecordingMeter.Entry e : heads.entries()) {
            for (var c : e.forward().forward().entrySet()) {
                assertTrue(c.getKey().startsWith("objective."), "name head components objective.<type>.<part>, got "
                        + c.getKey());
                assertTrue(c.getValue() >= 0 && Double.isFinite(c.getValue()), c.getKey() + " = " + c.getValue());
            }
        }
        assertTrue(heads.entries().stream().anyMatch(RecordingMeter.Entry::withGradients),
                "trained heads must be reported with gradients = true in a training pass");
        double oneEncoderPass = model.encoder().flops(data.size(), data.frames()).total();
        assertTrue(encoder.forward("") >= oneEncoderPass * 0.99 && oneEncoderPass > 0,
                "the objective must run the encoder through the EncoderCall; counted " + encoder.forward(""));
    }

    @Test
    void oneBatchOverfits() {
        Model model = build(4);
        Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(overfitLearningRate())).build();
        List<Parameter> trainable = model.trainable();
        float first = Float.NaN;
        float last = Float.NaN;
        for (int i = 0; i < overfitSteps(); i++) {
            try (NDManager step = manager.newSubManager()) {
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    // the same batch stream every step: the same masks, so the batch can be learned by heart
                    ObjectiveResult result = forward(model, data.batch(step, 6), new RecordingMeter(),
                            new RecordingMeter(), true);
                    last = result.loss().getFloat();
                    collector.backward(result.loss());
                }
                for (Parameter p : trainable) {
                    NDArray weight = p.getArray();
                    NDArray grad = weight.getGradient();
                    adam.update(p.getId(), weight, grad);
                    grad.subi(grad);
                    grad.close();
                }
            }
            assertTrue(Float.isFinite(last), "loss became " + last + " at step " + i);
            first = i == 0 ? last : first;
        }
        assertTrue(last < overfitRatio() * first, "after " + overfitSteps() + " steps on one batch the loss went from "
                + first + " to " + last + "; expected below " + overfitRatio() + " of the first");
    }

    /** Every trainable parameter's gradient after one training pass, by name; zeroed afterwards. */
    private Map<String, float[]> gradients(Model model, boolean collectGarbageBeforeBackward) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager step = manager.newSubManager()) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                ObjectiveResult result = forward(model, data.batch(step, 6), new RecordingMeter(),
                        new RecordingMeter(), true);
                Object junk = collectGarbageBeforeBackward ? NativeMemory.collectAndReuse() : null;
                collector.backward(result.loss());
                // the NaN-filled buffers must occupy the freed memory until backward has read it
                Reference.reachabilityFence(junk);
            }
            List<Parameter> trainable = model.trainable();
            int encoderParameters = model.encoderParameters().size();
            for (int i = 0; i < trainable.size(); i++) {
                Parameter p = trainable.get(i);
                String name = i < encoderParameters ? "encoder parameter " + i + " (" + p.getName() + ")"
                        : "objective parameter " + (i - encoderParameters) + " (" + p.getName() + ")";
                try (NDArray grad = p.getArray().getGradient()) {
                    out.put(name, grad.toFloatArray());
                    grad.subi(grad);
                }
            }
        }
        return out;
    }

    @Test
    void gradientsReachEveryEncoderParameter() {
        Model model = build(2);
        int encoderParameters = model.encoderParameters().size();
        Map<String, float[]> grads = gradients(model, false);
        int index = 0;
        for (Map.Entry<String, float[]> e : grads.entrySet()) {
            double sum = 0;
            for (float g : e.getValue()) {
                assertTrue(Float.isFinite(g), "non-finite gradient in " + e.getKey());
                sum += Math.abs(g);
            }
            if (index++ < encoderParameters) {
                assertTrue(sum > 0, "no gradient reaches " + e.getKey());
            }
        }
    }

    @Test
    void gradientsDoNotDependOnWhenTheGarbageCollectorRuns() {
        // DJL frees the Number operand of mul/div/pow/maximum before autograd is done with it; see NativeMemory.
        Model model = build(3);
        Map<String, float[]> quiet = gradients(model, false);
        for (int round = 0; round < 2; round++) {
            Map<String, float[]> collected = gradients(model, true);
            for (var e : quiet.entrySet()) {
                assertArrayEquals(e.getValue(), collected.get(e.getKey()), "gradients of " + e.getKey()
                        + " changed after a garbage collection between forward and backward: a scalar operand of "
                        + "mul/div/pow/maximum on the gradient path? use batch.manager().create(x) instead");
            }
        }
    }

    @Test
    void sameSeedsGiveTheSameLoss() {
        float a = loss(build(21), data.features(), 9, true);
        float b = loss(build(21), data.features(), 9, true);
        assertEquals(a, b, 0f, "same weights seed and batch stream, different losses");
        float otherWeights = loss(build(22), data.features(), 9, true);
        assertNotEquals(a, otherWeights, "another weights seed gave the very same loss");
        if (usesBatchRandomness()) {
            float otherStream = loss(build(21), data.features(), 10, true);
            assertNotEquals(a, otherStream, "another batch random stream gave the very same loss; if the objective "
                    + "draws nothing from TrainingBatch.rng(), override usesBatchRandomness()");
        }
    }

    @Test
    void paddedFramesDoNotChangeTheLoss() {
        Assumptions.assumeTrue(ignoresPadding(), "this objective declares that padding reaches its loss");
        Model model = build(5);
        float clean = loss(model, data.features(), 5, false);
        float dirty = loss(model, data.withGarbagePadding(4), 5, false);
        assertEquals(clean, dirty, 1e-5f * Math.max(1f, Math.abs(clean)),
                "garbage in the padded frames changed the loss of the real ones");
    }
}
