package dev.pretext.core.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pretext.api.PluginKind;
import dev.pretext.core.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A recipe read from YAML and checked as far as the core can without plugins: its own sections typed and
 * validated, every plugin choice parsed into a {@link ComponentRef}.
 */
public record LoadedRecipe(LocatedYaml source, Recipe recipe, ComponentRef train, ComponentRef probeData,
                           List<ComponentRef> augment, ComponentRef frontend, ComponentRef encoder,
                           ComponentRef objective, List<ComponentRef> probes) {

    public static LoadedRecipe load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError("recipe " + file + " does not exist; see recipes/ for examples");
        } catch (IOException e) {
            throw new UserError("cannot read recipe " + file + ": " + e.getMessage());
        }
        return parse(file, text);
    }

    public static LoadedRecipe parse(Path file, String text) {
        LocatedYaml yaml = LocatedYaml.read(file, text);
        if (!yaml.root().isObject()) {
            throw yaml.error("", "a recipe is a mapping of sections (name, budget, data, frontend, ...)", null);
        }
        checkProbeSeeds(yaml);
        checkDevice(yaml);
        Recipe recipe = ConfigBinder.bind(yaml, "", yaml.root(), Recipe.class);
        if (recipe.budget() == null) {
            throw yaml.error("budget", "missing", "add e.g. budget: {flops: 2.0e13} (or {steps: N} or {hours: H})");
        }
        if (recipe.data() == null || recipe.data().train() == null) {
            throw yaml.error("data.train", "missing", "add e.g. data: {train: {type: tts, minutes: 10}}");
        }
        ComponentRef train = ComponentRef.parse(yaml, PluginKind.DATASET, "data.train", recipe.data().train());
        JsonNode probeNode = recipe.data().probe();
        ComponentRef probeData = probeNode == null ? train
                : ComponentRef.parse(yaml, PluginKind.DATASET, "data.probe", probeNode);
        List<ComponentRef> augment = new ArrayList<>();
        for (int i = 0; i < recipe.augment().size(); i++) {
            augment.add(ComponentRef.parse(yaml, PluginKind.AUGMENTATION, "augment[" + i + "]", recipe.augment().get(i)));
        }
        ComponentRef frontend = ComponentRef.parse(yaml, PluginKind.FRONTEND, "frontend", recipe.frontend());
        ComponentRef encoder = ComponentRef.parse(yaml, PluginKind.ENCODER, "encoder", recipe.encoder());
        ComponentRef objective = ComponentRef.parse(yaml, PluginKind.OBJECTIVE, "objective", recipe.objective());
        List<ComponentRef> probes = new ArrayList<>();
        if (recipe.probes() != null) {
            for (int i = 0; i < recipe.probes().tasks().size(); i++) {
                probes.add(ComponentRef.parse(yaml, PluginKind.PROBE, "probes.tasks[" + i + "]",
                        recipe.probes().tasks().get(i)));
            }
        }
        return new LoadedRecipe(yaml, recipe, train, probeData, List.copyOf(augment), frontend, encoder, objective,
                List.copyOf(probes));
    }

    /** Whether the probes use the training data (the recipe has no {@code data.probe}): then one dataset serves both. */
    public boolean probesTrainData() {
        return recipe.data().probe() == null;
    }

    public Recipe.Probes probing() {
        return recipe.probes() == null ? new Recipe.Probes(null, null, null, null) : recipe.probes();
    }

    /** device checked on the tree, so that a wrong value is reported at its own line. */
    private static void checkDevice(LocatedYaml yaml) {
        JsonNode device = yaml.root().get("device");
        if (device == null) {
            return;
        }
        if (!device.isTextual()) {
            throw yaml.error("device", "'" + device.asText() + "' is not a device", "use one of "
                    + DeviceRequest.VALUES + " (default auto)");
        }
        try {
            DeviceRequest.parse(device.textValue());
        } catch (IllegalArgumentException e) {
            throw yaml.error("device", e.getMessage(), null);
        }
    }

    /**
     * probes.seeds checked on the tree, before binding, so that a bad entry is reported at its own line (the
     * record's own check can only name the probes section).
     */
    private static void checkProbeSeeds(LocatedYaml yaml) {
        JsonNode probes = yaml.root().get("probes");
        if (probes == null || !probes.isObject() || !probes.has("seeds")) {
            return;
        }
        JsonNode seeds = probes.get("seeds");
        String hint = "give 1 to " + Recipe.Probes.MAX_SEEDS + " distinct whole numbers, e.g. seeds: [1, 2, 3]";
        if (seeds.isNull()) {
            throw yaml.error("probes.seeds", "no seeds given", hint + ", or leave the key out for one seed, the "
                    + "recipe's");
        }
        if (!seeds.isArray()) {
            return;     // the binder says what it expected
        }
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < seeds.size(); i++) {
            JsonNode s = seeds.get(i);
            if (!s.isIntegralNumber()) {
                throw yaml.error("probes.seeds[" + i + "]", "'" + s.asText() + "' is not a whole number", hint);
            }
            if (values.contains(s.longValue())) {
                throw yaml.error("probes.seeds[" + i + "]", "seed " + s.longValue() + " appears twice (entries "
                        + (values.indexOf(s.longValue()) + 1) + " and " + (i + 1) + "); the same seed gives the "
                        + "same split and head again, so it adds nothing", hint);
            }
            values.add(s.longValue());
        }
        String problem = Recipe.Probes.seedsProblem(values);
        if (problem != null) {
            throw yaml.error("probes.seeds", problem, null);
        }
    }
}
