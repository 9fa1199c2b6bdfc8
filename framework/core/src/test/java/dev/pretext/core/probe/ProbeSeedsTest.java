package dev.pretext.core.probe;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Dataset;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.probe.LayerStack;
import dev.pretext.api.probe.Probe;
import dev.pretext.api.probe.ProbeExample;
import dev.pretext.api.probe.ProbeInput;
import dev.pretext.api.probe.ProbeResult;
import dev.pretext.core.Console;
import dev.pretext.core.data.FeaturePipeline;
import dev.pretext.core.data.Seeds;
import dev.pretext.core.data.SpeechFixture;
import dev.pretext.core.recipe.Recipe;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Probing under several probe seeds, on real speech (slices of an espeak-ng clip, band energies) with a real
 * head trained on libtorch: which half of the clip a slice comes from, told from its mean-pooled frames.
 */
class ProbeSeedsTest {
    private static final int BANDS = 12;
    private static final String TASK = "speakers";

    /** 24 slices of 0.4 s; the "speaker" is the half of the clip they start in, 12 slices each. */
    static final class Halves implements Dataset {
        final List<Utterance> utterances = new ArrayList<>();

        Halves() {
            for (int k = 0; k < 24; k++) {
                int startMs = 80 * k;
                utterances.add(new Utterance("h" + startMs, Path.of("h" + startMs + ".wav"), 0.4,
                        k < 12 ? "early" : "late", null, null));
            }
        }

        @Override
        public List<Utterance> utterances() {
            return utterances;
        }

        @Override
        public Waveform audio(Utterance u) {
            int start = Integer.parseInt(u.id().substring(1)) * 16;
            return new Waveform(Arrays.copyOfRange(SpeechFixture.SPEECH, start, start + 6400), Waveform.RATE);
        }
    }

    /**
     * A linear softmax head on the frames averaged over time and layers, trained with Adam on libtorch from the
     * input's seed. Remembers every input it was given.
     */
    static final class MeanPooledHead implements Probe {
        final List<ProbeInput> inputs = new ArrayList<>();

        @Override
        public Optional<String> unusable(Utterance utterance) {
            return utterance.hasSpeaker() ? Optional.empty() : Optional.of("no speaker");
        }

        @Override
        public ProbeResult run(ProbeInput input) {
            inputs.add(input);
            List<String> classes = input.train().stream().map(e -> e.utterance().speaker()).distinct().sorted()
                    .toList();
            int dim = input.dim();
            try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
                Linear head = Linear.builder().setUnits(classes.size()).build();
                Engine.getInstance().setRandomSeed(Long.hashCode(input.seed()));
                head.initialize(manager, DataType.FLOAT32, new Shape(1, dim));
                ParameterStore parameters = new ParameterStore(manager, false);
                Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.05f)).build();
                NDArray x = manager.create(pooled(input.train()), new Shape(input.train().size(), dim));
                float[] oneHot = new float[input.train().size() * classes.size()];
                for (int i = 0; i < input.train().size(); i++) {
                    oneHot[i * classes.size() + classes.indexOf(input.train().get(i).utterance().speaker())] = 1;
                }
                NDArray y = manager.create(oneHot, new Shape(input.train().size(), classes.size()));
                for (int step = 0; step < 30; step++) {
                    try (NDManager s = manager.newSubManager();
                         GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = head.forward(parameters, new NDList(x), true).singletonOrThrow();
                        NDArray loss = logits.logSoftmax(1).mul(y).sum().neg()
                                .div(s.create((float) input.train().size()));
                        collector.backward(loss);
                    }
                    for (Parameter p : head.getParameters().values()) {
                        try (NDArray gradient = p.getArray().getGradient()) {
                            adam.update(p.getId(), p.getArray(), gradient);
                        }
                    }
                }
                NDArray test = manager.create(pooled(input.test()), new Shape(input.test().size(), dim));
                long[] best = head.forward(parameters, new NDList(test), false).singletonOrThrow().argMax(1)
                        .toLongArray();
                int right = 0;
                for (int i = 0; i < best.length; i++) {
                    right += classes.get((int) best[i]).equals(input.test().get(i).utterance().speaker()) ? 1 : 0;
                }
                double[] weights = new double[input.layers()];
                Arrays.fill(weights, 1.0 / input.layers());
                return new ProbeResult("accuracy", right / (double) best.length, true, weights,
                        Map.of("train_utterances", (double) input.train().size()));
            }
        }

        private static float[] pooled(List<ProbeExample> examples) {
            int dim = examples.get(0).representation().dim();
            float[] out = new float[examples.size() * dim];
            for (int i = 0; i < examples.size(); i++) {
                LayerStack stack = examples.get(i).representation();
                for (int l = 0; l < stack.layers(); l++) {
                    for (int t = 0; t < stack.frames(); t++) {
                        for (int d = 0; d < dim; d++) {
                            out[i * dim + d] += stack.data()[stack.offset(l, t) + d]
                                    / (stack.layers() * stack.frames());
                        }
                    }
                }
            }
            return out;
        }
    }

    private final Halves data = new Halves();
    private final FeaturePipeline pipeline = new FeaturePipeline(data, List.of(), new SpeechFixture.Bands(BANDS),
            Double.MAX_VALUE, 7, null);

    private ProbeRunner runner(List<Long> seeds) {
        return new ProbeRunner(data.utterances(), pipeline, 0.25, seeds, Console.quiet());
    }

    /** The features and their frame-to-frame differences as a second layer: a second, different upstream. */
    private static ProbeRunner.Upstream withDeltas(ProbeRunner runner, AtomicInteger calls) {
        Supplier<Map<Utterance, LayerStack>> features = runner.featuresUpstream().representations();
        return new ProbeRunner.Upstream("deltas", () -> {
            calls.incrementAndGet();
            Map<Utterance, LayerStack> out = new LinkedHashMap<>();
            features.get().forEach((u, s) -> {
                float[] both = Arrays.copyOf(s.data(), 2 * s.data().length);
                for (int t = 1; t < s.frames(); t++) {
                    for (int d = 0; d < s.dim(); d++) {
                        both[s.data().length + t * s.dim() + d] = s.data()[t * s.dim() + d]
                                - s.data()[(t - 1) * s.dim() + d];
                    }
                }
                out.put(u, new LayerStack(both, 2, s.frames(), s.dim()));
            });
            return out;
        });
    }

    private static ProbeRunner.Upstream counted(ProbeRunner.Upstream upstream, AtomicInteger calls) {
        return new ProbeRunner.Upstream(upstream.name(), () -> {
            calls.incrementAndGet();
            return upstream.representations().get();
        });
    }

    @Test
    void withoutProbeSeedsTheRunSeedAloneGivesExactlyTheSingleSeedNumbers() {
        List<Long> seeds = new Recipe.Probes(null, null, null, null).seedsOr(7);
        assertEquals(List.of(7L), seeds);
        ProbeRunner runner = runner(seeds);
        ProbeTable table = runner.run(List.of(runner.featuresUpstream()), Map.of(TASK, new MeanPooledHead()));

        // Probing as it was before seeds: one split and one head seed, both from the run seed.
        Map<Utterance, LayerStack> reps = Representations.features(data.utterances(),
                Representations.extract(pipeline, data.utterances()));
        ProbeSplit split = ProbeSplit.of(data.utterances(), 0.25, 7);
        ProbeInput input = new ProbeInput(
                split.train().stream().map(u -> new ProbeExample(u, reps.get(u))).toList(),
                split.test().stream().map(u -> new ProbeExample(u, reps.get(u))).toList(),
                100, Seeds.mix(7, TASK.hashCode()));
        ProbeResult alone = new MeanPooledHead().run(input);

        ProbeTable.Cell cell = table.get("features", TASK);
        assertEquals(alone.value(), cell.value(), 0.0);
        assertArrayEquals(alone.layerWeights(), cell.result().layerWeights(), 0.0);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) ((Map<String, Object>) table.json().get("features"))
                .get(TASK);
        assertEquals(alone.value(), (double) json.get("value"), 0.0);
        assertEquals(List.of(7L), json.get("seeds"));
        assertArrayEquals(new double[] {alone.value()}, (double[]) json.get("values"), 0.0);
        assertEquals(0.0, (double) json.get("std"), 0.0);
        assertEquals(0.0, table.score("features"), 0.0, "the features baseline scores 0");
    }

    @Test
    void threeSeedsGiveThreePairedValuesWhoseMeanIsTheValueFromRepresentationsMadeOnce() {
        ProbeRunner runner = runner(List.of(1L, 2L, 3L));
        AtomicInteger featureCalls = new AtomicInteger();
        AtomicInteger deltaCalls = new AtomicInteger();
        MeanPooledHead probe = new MeanPooledHead();
        ProbeTable table = runner.run(List.of(counted(runner.featuresUpstream(), featureCalls),
                withDeltas(runner, deltaCalls)), Map.of(TASK, probe));
        assertEquals(1, featureCalls.get(), "representations are made once per upstream, not per seed");
        assertEquals(1, deltaCalls.get());

        for (String upstream : List.of("features", "deltas")) {
            ProbeTable.Cell cell = table.get(upstream, TASK);
            assertEquals(List.of(1L, 2L, 3L), cell.seeds());
            double[] values = cell.values();
            assertEquals(3, values.length);
            double mean = (values[0] + values[1] + values[2]) / 3;
            assertEquals(mean, cell.value(), 1e-15);
            double ss = 0;
            for (double v : values) {
                ss += (v - mean) * (v - mean);
            }
            assertEquals(Math.sqrt(ss / 2), cell.std(), 1e-15);
            @SuppressWarnings("unchecked")
            Map<String, Object> json = (Map<String, Object>) ((Map<String, Object>) table.json().get(upstream))
                    .get(TASK);
            assertEquals(cell.value(), (double) json.get("value"), 0.0);
            assertArrayEquals(values, (double[]) json.get("values"), 0.0);
            // Each seed's value is what probing under that seed alone gives.
            for (int i = 0; i < 3; i++) {
                ProbeRunner single = runner(List.of(cell.seeds().get(i)));
                ProbeRunner.Upstream u = upstream.equals("features") ? single.featuresUpstream()
                        : withDeltas(single, new AtomicInteger());
                assertEquals(values[i], single.run(List.of(u), Map.of(TASK, new MeanPooledHead()))
                        .get(upstream, TASK).value(), 0.0);
            }
        }

        assertTrue(Arrays.stream(table.get("features", TASK).values()).distinct().count() > 1,
                "other splits and heads give other numbers: " + Arrays.toString(table.get("features", TASK).values()));

        // Under each seed both upstreams saw the same split and the same head seed: the results are paired.
        assertEquals(6, probe.inputs.size());
        for (int s = 0; s < 3; s++) {
            ProbeInput features = probe.inputs.get(s);
            ProbeInput deltas = probe.inputs.get(3 + s);
            assertEquals(ids(features.test()), ids(deltas.test()));
            assertEquals(ids(features.train()), ids(deltas.train()));
            assertEquals(features.seed(), deltas.seed());
            assertEquals(Seeds.mix(s + 1, TASK.hashCode()), features.seed());
        }

        // The overall score: per seed against the features row of that seed, then the mean over seeds.
        double[] f = table.get("features", TASK).values();
        double[] d = table.get("deltas", TASK).values();
        double[] perSeed = new double[3];
        for (int i = 0; i < 3; i++) {
            perSeed[i] = 100 * (d[i] - f[i]) / (1 - f[i]);
        }
        assertArrayEquals(perSeed, table.scores("deltas"), 1e-12);
        assertEquals((perSeed[0] + perSeed[1] + perSeed[2]) / 3, table.score("deltas"), 1e-12);
        Map<String, Object> json = table.json();
        assertEquals(table.score("deltas"), (double) ((Map<?, ?>) json.get("overall_score")).get("deltas"), 0.0);
        assertArrayEquals(perSeed, (double[]) ((Map<?, ?>) json.get("overall_score_values")).get("deltas"), 1e-12);
        assertTrue(table.text().contains(" ± "), table.text());
    }

    @Test
    void eachSeedDrawsItsOwnSplit() {
        ProbeRunner runner = runner(List.of(1L, 2L));
        for (long seed : List.of(1L, 2L)) {
            assertEquals(ProbeSplit.of(data.utterances(), 0.25, seed), runner.split(seed));
        }
        List<String> one = runner.split(1).test().stream().map(Utterance::id).toList();
        List<String> two = runner.split(2).test().stream().map(Utterance::id).toList();
        assertEquals(one.size(), two.size(), "the same share of each speaker is held out");
        assertNotEquals(one, two);
    }

    private static List<String> ids(List<ProbeExample> examples) {
        return examples.stream().map(e -> e.utterance().id()).toList();
    }
}
