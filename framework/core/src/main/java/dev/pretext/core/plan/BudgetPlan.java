package dev.pretext.core.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.model.Encoder;
import dev.pretext.api.model.FlopCount;
import dev.pretext.core.TrainingFlops;
import dev.pretext.core.data.BatchPlanner;
import dev.pretext.core.model.UpstreamModel;
import dev.pretext.core.plugins.ComposedRun;
import dev.pretext.core.plugins.Composer.Composed;
import dev.pretext.core.recipe.ComponentRef;
import dev.pretext.core.recipe.ConfigBinder;
import dev.pretext.core.recipe.Recipe;
import dev.pretext.core.recipe.RecipeError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What a recipe's budget buys, before anything is trained: the FLOPs of a mean step per component (forward
 * and backward), the shares of attention and padding, how many steps the budget allows, how much audio and how
 * many epochs over the data that is, and the same for other sizes of the recipe's encoder family.
 *
 * <p>Steps are the batches the loader would really form in the first epoch (the same length bucketing and
 * crops), so padding is counted as the trainer counts it. Training a part costs its forward pass plus a
 * backward pass of twice that (gradients for inputs and for weights), as the budget meter charges it.
 * Objective heads are not in the plan (they are measured during the run; for the shipped objectives they are
 * well under 1% of a step).
 */
public final class BudgetPlan {
    /** Family sizes the size table tries, as multiples of the preset's parameter count. */
    static final double[] SCALES = {0.25, 0.5, 1, 2, 4, 8};

    public record Component(String name, double forward, double backward) {
        public double total() {
            return forward + backward;
        }
    }

    /** One size of the family: its parameters, a step's cost, and what the budget buys at that size. */
    public record Size(double scale, Map<String, Object> shape, long parameters, double flopsPerStep, double steps,
                       double hours, double epochs, boolean isRecipe) {
    }

    public record Report(String name, String encoder, Map<String, Object> shape, long parameters,
                         int utterances, double uniqueHours, int batchesPerEpoch, double audioSecondsPerStep,
                         double paddingShare, List<Component> perStep, double attentionShare, String budget,
                         double steps, double hours, double epochs, List<Size> sizes, String sizesNote,
                         double memoryBytes, long machineMemoryBytes) {

        public double flopsPerStep() {
            return perStep.stream().mapToDouble(Component::total).sum();
        }

        public Map<String, Object> json() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("recipe", name);
            out.put("encoder", encoder);
            out.put("shape", shape);
            out.put("parameters", parameters);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("utterances", utterances);
            data.put("unique_hours", uniqueHours);
            data.put("batches_per_epoch", batchesPerEpoch);
            data.put("audio_seconds_per_step", audioSecondsPerStep);
            data.put("padding_share", paddingShare);
            out.put("data", data);
            Map<String, Object> step = new LinkedHashMap<>();
            for (Component c : perStep) {
                step.put(c.name(), Map.of("forward", c.forward(), "backward", c.backward()));
            }
            out.put("flops_per_step", flopsPerStep());
            out.put("flops_per_step_by_component", step);
            out.put("attention_share", attentionShare);
            out.put("budget", budget);
            out.put("steps", steps);
            out.put("hours_processed", hours);
            out.put("epochs", epochs);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Size s : sizes) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("scale", s.scale());
                row.put("shape", s.shape());
                row.put("parameters", s.parameters());
                row.put("flops_per_step", s.flopsPerStep());
                row.put("steps", s.steps());
                row.put("hours_processed", s.hours());
                row.put("epochs", s.epochs());
                row.put("is_recipe", s.isRecipe());
                rows.add(row);
            }
            out.put("sizes", rows);
            out.put("memory_bytes", memoryBytes);
            out.put("machine_memory_bytes", machineMemoryBytes);
            if (sizesNote != null) {
                out.put("sizes_note", sizesNote);
            }
            return out;
        }

        public String table() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "recipe %s: %s %s, %s parameters%n", name, encoder, shape,
                    millions(parameters)));
            b.append(String.format(Locale.ROOT, "data: %d utterances, %.2f h; %d batches per epoch, %.1f s of audio "
                            + "per step, padding %.1f%% of frames%n", utterances, uniqueHours, batchesPerEpoch,
                    audioSecondsPerStep, 100 * paddingShare));
            b.append(String.format(Locale.ROOT, "memory: a step needs about %s (the first epoch's largest "
                    + "batch); this machine has %s%n", MemoryPlan.gb(memoryBytes),
                    MemoryPlan.gb((double) machineMemoryBytes)));
            b.append(String.format(Locale.ROOT, "%nmean step (the first epoch's batches):%n%-34s %12s %12s %12s %7s%n",
                    "component", "forward", "backward", "total", "share"));
            double total = flopsPerStep();
            for (Component c : perStep) {
                b.append(String.format(Locale.ROOT, "%-34s %12.3e %12.3e %12.3e %6.1f%%%n", c.name(), c.forward(),
                        c.backward(), c.total(), 100 * c.total() / total));
            }
            b.append(String.format(Locale.ROOT, "%-34s %12.3e %12.3e %12.3e %6.1f%%%n", "total",
                    total / 3, 2 * total / 3, total, 100.0));
            b.append(String.format(Locale.ROOT, "attention (projections, scores, values, softmax): %.1f%% of a step; "
                    + "padding: %.1f%% of frames%n", 100 * attentionShare, 100 * paddingShare));
            b.append(String.format(Locale.ROOT, "%nbudget %s buys %.0f steps = %.2f h of audio = %.2f epochs%n",
                    budget, steps, hours, epochs));
            if (!sizes.isEmpty()) {
                b.append(String.format(Locale.ROOT, "%nsizes of the family at this budget (scale = multiple of the "
                        + "preset's parameters):%n%6s %-22s %10s %12s %9s %9s %8s%n", "scale", "shape", "params",
                        "FLOPs/step", "steps", "hours", "epochs"));
                for (Size s : sizes) {
                    b.append(String.format(Locale.ROOT, "%6s %-22s %10s %12.3e %9.0f %9.2f %8.2f%s%n",
                            trim(s.scale()), compact(s.shape()), millions(s.parameters()), s.flopsPerStep(), s.steps(),
                            s.hours(), s.epochs(), s.isRecipe() ? "  <- recipe" : ""));
                }
            }
            if (sizesNote != null) {
                b.append(String.format(Locale.ROOT, "%nno size table: %s%n", sizesNote));
            }
            return b.toString();
        }
    }

    private BudgetPlan() {
    }

    public static Report plan(ComposedRun run, List<Utterance> train) {
        Recipe recipe = run.recipe();
        Recipe.Batch batch = recipe.batch();
        BatchPlanner planner = new BatchPlanner(train, batch.seconds(), batch.maxUtteranceSeconds(), recipe.seed());
        Step step = meanStep(run.model(), planner, recipe.optim().accumulate());
        List<Component> components = new ArrayList<>();
        double attention = 0;
        for (Map.Entry<String, Double> e : step.forward().forward().entrySet()) {
            components.add(new Component(e.getKey(), e.getValue(), 2 * e.getValue()));
            if (e.getKey().startsWith("encoder.attention") || e.getKey().equals("encoder.softmax")) {
                attention += e.getValue();
            }
        }
        double stepFlops = TrainingFlops.of(step.forward().total());
        double unique = planner.totalSeconds();
        double steps = recipe.budget().stepsBought(stepFlops);
        double hours = steps * step.audioSeconds() / 3600;

        List<Size> sizes = new ArrayList<>();
        String note = null;
        try {
            sizes = sizes(run, planner, recipe);
        } catch (RecipeError e) {
            note = "encoder type '" + run.encoder().plugin().type() + "' cannot be resized by scale here ("
                    + e.getMessage().lines().findFirst().orElse("") + ")";
        }
        return new Report(recipe.name(), run.encoder().plugin().describe(), shape(run.encoder().config()),
                run.model().plannedParameters().orElse(-1), train.size(), unique / 3600, step.batches(),
                step.audioSeconds(), step.paddingShare(), components, attention / step.forward().total(),
                recipe.budget().describe(), steps, hours, unique > 0 ? hours * 3600 / unique : 0, sizes, note,
                MemoryPlan.estimate(MemoryPlan.shapeOf(run, planner)).total(), MemoryPlan.machineMemory());
    }

    /** A mean step: forward FLOPs per component, audio, and the padding share over the first epoch's batches. */
    record Step(FlopCount forward, double audioSeconds, double paddingShare, int batches) {
    }

    static Step meanStep(UpstreamModel model, BatchPlanner planner, int accumulate) {
        List<int[]> plan = planner.plan(0);
        FlopCount sum = FlopCount.ZERO;
        double audio = 0;
        double realFrames = 0;
        double paddedFrames = 0;
        for (int[] b : plan) {
            int longest = 0;
            for (int i : b) {
                int frames = model.input().frames(planner.croppedSeconds(planner.utterances().get(i)));
                longest = Math.max(longest, frames);
                realFrames += frames;
                audio += planner.croppedSeconds(planner.utterances().get(i));
            }
            paddedFrames += (double) b.length * longest;
            sum = sum.plus(model.flops(b.length, longest));
        }
        double perStep = (double) accumulate / plan.size();
        Map<String, Double> mean = new LinkedHashMap<>();
        sum.forward().forEach((k, v) -> mean.put(k, v * perStep));
        return new Step(new FlopCount(mean), audio * perStep,
                paddedFrames > 0 ? 1 - realFrames / paddedFrames : 0, plan.size());
    }

    /**
     * The recipe's encoder at several multiples of its preset's size, built from the same config with
     * {@code scale} set (and any explicit width, dim or ffn removed, since those would override it).
     */
    static List<Size> sizes(ComposedRun run, BatchPlanner planner, Recipe recipe) {
        Composed<Encoder> encoder = run.encoder();
        ComponentRef ref = encoder.ref();
        double unique = planner.totalSeconds();
        double recipeScale = encoder.config() == null ? 1 : scaleOf(encoder.config());
        List<Size> sizes = new ArrayList<>();
        List<Double> scales = new ArrayList<>();
        for (double s : SCALES) {
            scales.add(s);
        }
        if (!scales.contains(recipeScale)) {
            scales.add(recipeScale);
            scales.sort(Double::compare);
        }
        for (double scale : scales) {
            ObjectNode config = ref.config().deepCopy();
            config.remove(List.of("width", "dim", "ffn", "scale"));
            config.put("scale", scale);
            ComponentRef resized = new ComponentRef(ref.kind(), ref.path(), ref.type(), ref.range(), config,
                    ref.selection());
            Composed<Encoder> built = run.composer().create(resized, Encoder.class,
                    run.model().bodyInput());
            UpstreamModel model = new UpstreamModel(run.frontend().instance(), built.instance());
            OptionalLong params = model.plannedParameters();
            Step step = meanStep(model, planner, recipe.optim().accumulate());
            double flops = TrainingFlops.of(step.forward().total());
            double steps = recipe.budget().stepsBought(flops);
            double hours = steps * step.audioSeconds() / 3600;
            sizes.add(new Size(scale, shape(built.config()), params.orElse(-1), flops, steps, hours,
                    unique > 0 ? hours * 3600 / unique : 0, scale == recipeScale));
        }
        return sizes;
    }

    private static double scaleOf(Object config) {
        JsonNode scale = ConfigBinder.MAPPER.valueToTree(config).get("scale");
        return scale == null || scale.isNull() ? 1.0 : scale.asDouble();
    }

    /** The size-defining keys of an encoder config, when it has them. */
    static Map<String, Object> shape(Object config) {
        Map<String, Object> shape = new LinkedHashMap<>();
        JsonNode tree = ConfigBinder.MAPPER.valueToTree(config);
        for (String key : List.of("preset", "layers", "dim", "heads", "ffn")) {
            JsonNode v = tree.get(key);
            if (v != null && !v.isNull()) {
                shape.put(key, v.isNumber() ? v.numberValue() : v.asText());
            }
        }
        return shape;
    }

    private static String compact(Map<String, Object> shape) {
        Object layers = shape.get("layers");
        Object dim = shape.get("dim");
        Object ffn = shape.get("ffn");
        if (layers == null || dim == null) {
            return shape.toString();
        }
        return layers + "x" + dim + (ffn != null ? " ffn " + ffn : "");
    }

    static String millions(long parameters) {
        return parameters < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f M", parameters / 1e6);
    }

    private static String trim(double v) {
        return String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
