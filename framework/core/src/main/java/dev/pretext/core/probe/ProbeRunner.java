package dev.pretext.core.probe;

import ai.djl.ndarray.NDManager;
import dev.pretext.api.audio.Features;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.probe.LayerStack;
import dev.pretext.api.probe.Probe;
import dev.pretext.api.probe.ProbeExample;
import dev.pretext.api.probe.ProbeInput;
import dev.pretext.api.probe.ProbeResult;
import dev.pretext.core.Console;
import dev.pretext.core.PretextFailure;
import dev.pretext.core.UserError;
import dev.pretext.core.data.FeaturePipeline;
import dev.pretext.core.data.Seeds;
import dev.pretext.core.model.UpstreamModel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Runs every probe on every upstream under each probe seed. Features are extracted once; each upstream's
 * representations once (they do not depend on the split); each probe sees only the utterances that carry the
 * labels it needs. A probe seed fixes the split of the probe data and the heads' seeds, the same for every
 * upstream, so results of two upstreams under one seed are paired.
 */
public final class ProbeRunner {
    /** A frozen upstream: its name and how to make its representations (called once). */
    public record Upstream(String name, Supplier<Map<Utterance, LayerStack>> representations) {
    }

    private final List<Utterance> utterances;
    private final Map<Utterance, Features> features;
    private final Map<Long, ProbeSplit> splits = new LinkedHashMap<>();
    private final double frameRateHz;
    private final Console console;

    /**
     * @param utterances the probe data as listed and selected (see {@code TrainingRun.list})
     * @param seeds      the probe seeds, distinct (see {@code Recipe.Probes.seedsOr}); one seed, the run's,
     *                   probes as pretext did before seeds existed
     */
    public ProbeRunner(List<Utterance> utterances, FeaturePipeline pipeline, double testShare, List<Long> seeds,
                       Console console) {
        if (seeds.isEmpty() || new java.util.HashSet<>(seeds).size() != seeds.size()) {
            throw new IllegalArgumentException("probe seeds must be distinct and at least one: " + seeds);
        }
        this.utterances = List.copyOf(utterances);
        this.features = Representations.extract(pipeline, utterances);
        for (long seed : seeds) {
            splits.put(seed, ProbeSplit.of(utterances, testShare, seed));
        }
        this.frameRateHz = UpstreamModel.bodyInput(pipeline.frontend()).frameRateHz();
        this.console = console;
    }

    private Supplier<List<String>> supportedTasks = List::of;

    /** Where to find the tasks the probe data does support, named when a task finds no usable utterance. */
    public void supportedTasksHint(Supplier<List<String>> supported) {
        this.supportedTasks = supported;
    }

    /** The split of the probe data under a probe seed. */
    public ProbeSplit split(long seed) {
        ProbeSplit split = splits.get(seed);
        if (split == null) {
            throw new IllegalArgumentException("no probe seed " + seed + "; the seeds are " + splits.keySet());
        }
        return split;
    }

    /** Whether the probe finds usable utterances in both the training and the test part under every seed. */
    public boolean usable(Probe probe) {
        return splits.values().stream().allMatch(split ->
                split.train().stream().anyMatch(u -> probe.unusable(u).isEmpty())
                        && split.test().stream().anyMatch(u -> probe.unusable(u).isEmpty()));
    }

    public Upstream featuresUpstream() {
        return new Upstream("features", () -> Representations.features(utterances, features));
    }

    public Upstream encoderUpstream(String name, UpstreamModel model, NDManager manager) {
        return new Upstream(name, () -> Representations.encoder(model, utterances, features, manager));
    }

    public ProbeTable run(List<Upstream> upstreams, Map<String, Probe> probes) {
        ProbeTable table = new ProbeTable();
        boolean several = splits.size() > 1;
        for (Upstream upstream : upstreams) {
            long t0 = System.nanoTime();
            Map<Utterance, LayerStack> reps = upstream.representations().get();
            console.line(String.format(Locale.ROOT, "probing %-10s representations of %d utterances in %.1fs",
                    upstream.name(), reps.size(), (System.nanoTime() - t0) / 1e9));
            for (Map.Entry<String, Probe> p : probes.entrySet()) {
                String task = p.getKey();
                for (long seed : splits.keySet()) {
                    ProbeInput input = input(task, p.getValue(), reps, seed);
                    long t1 = System.nanoTime();
                    ProbeResult result = p.getValue().run(input);
                    double seconds = (System.nanoTime() - t1) / 1e9;
                    requireFinite(upstream.name(), task, seed, result);
                    table.put(upstream.name(), task, seed, result, seconds);
                    console.line(String.format(Locale.ROOT, "  %-10s %s = %.3f  (%s%.1fs)", task, result.metric(),
                            result.value(), several ? "seed " + seed + ", " : "", seconds));
                }
                if (several) {
                    ProbeTable.Cell cell = table.get(upstream.name(), task);
                    console.line(String.format(Locale.ROOT, "  %-10s %s = %.3f ± %.3f  (mean ± std over %d seeds)",
                            task, cell.result().metric(), cell.value(), cell.std(), cell.runs().size()));
                }
            }
        }
        return table;
    }

    /**
     * A non-finite metric, layer weight or detail means the probe's head diverged: it must stop the probing with the
     * task's name and the probe seed, never enter a table, a report or a fit as a number.
     */
    static void requireFinite(String upstream, String task, long seed, ProbeResult result) {
        List<String> bad = new ArrayList<>();
        if (!Double.isFinite(result.value())) {
            bad.add(result.metric() + " = " + result.value());
        }
        double[] weights = result.layerWeights();
        for (int l = 0; weights != null && l < weights.length; l++) {
            if (!Double.isFinite(weights[l])) {
                bad.add("layer weight " + l + " = " + weights[l]);
                break;
            }
        }
        result.details().forEach((key, value) -> {
            if (!Double.isFinite(value)) {
                bad.add(key + " = " + value);
            }
        });
        if (!bad.isEmpty()) {
            throw new PretextFailure("probe '" + task + "' on upstream '" + upstream + "' with probe seed " + seed
                    + " gave non-finite results (" + String.join(", ", bad) + "): its head diverged, so no number "
                    + "was recorded for it. The run's checkpoints are kept: `pretext probe RUN_DIR --tasks ...` "
                    + "probes again without this task (`--seeds ...` with other seeds); please report it with the "
                    + "run folder's manifest.json");
        }
    }

    private ProbeInput input(String task, Probe probe, Map<Utterance, LayerStack> reps, long seed) {
        ProbeSplit split = splits.get(seed);
        Map<String, Integer> reasons = new LinkedHashMap<>();
        List<ProbeExample> train = usable(probe, split.train(), reps, reasons);
        List<ProbeExample> test = usable(probe, split.test(), reps, reasons);
        if (train.isEmpty() || test.isEmpty()) {
            List<String> supported = supportedTasks.get();
            throw new UserError("probe '" + task + "' has no usable " + (train.isEmpty() ? "training" : "test")
                    + " utterances in the probe data" + (splits.size() > 1 ? " split by probe seed " + seed : "")
                    + " (" + reasons + "); give data.probe a dataset with those labels or drop the task"
                    + (supported.isEmpty() ? "" : "; this data supports: " + String.join(", ", supported)));
        }
        return new ProbeInput(train, test, frameRateHz, Seeds.mix(seed, task.hashCode()));
    }

    private static List<ProbeExample> usable(Probe probe, List<Utterance> part, Map<Utterance, LayerStack> reps,
                                             Map<String, Integer> reasons) {
        List<ProbeExample> out = new ArrayList<>();
        for (Utterance u : part) {
            Optional<String> why = probe.unusable(u);
            if (why.isPresent()) {
                reasons.merge(why.get(), 1, Integer::sum);
            } else {
                out.add(new ProbeExample(u, reps.get(u)));
            }
        }
        return out;
    }
}
