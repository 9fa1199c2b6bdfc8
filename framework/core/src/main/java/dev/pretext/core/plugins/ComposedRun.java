package dev.pretext.core.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pretext.api.RunContext;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.data.Augmentation;
import dev.pretext.api.data.Dataset;
import dev.pretext.api.data.FeatureAugmentation;
import dev.pretext.api.model.Encoder;
import dev.pretext.api.model.Frontend;
import dev.pretext.api.model.LearnedFrontend;
import dev.pretext.api.model.Objective;
import dev.pretext.api.probe.Probe;
import dev.pretext.core.data.DataSelection;
import dev.pretext.core.data.FeatureCache;
import dev.pretext.core.model.UpstreamModel;
import dev.pretext.core.plugins.Composer.Composed;
import dev.pretext.core.recipe.ConfigBinder;
import dev.pretext.core.recipe.LoadedRecipe;
import dev.pretext.core.recipe.LocatedYaml;
import dev.pretext.core.recipe.Recipe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every component of a recipe, resolved, configured and built. Building it is also the full recipe check:
 * plugin types and versions, every config key, and inputs such as data folders.
 */
public record ComposedRun(LoadedRecipe loaded, RunContext context, Composer composer, Composed<Dataset> train,
                          Composed<Dataset> probeData, List<Composed<Object>> augment,
                          Composed<Frontend> frontend, UpstreamModel model, Composed<Encoder> encoder,
                          Composed<Objective> objective, List<Composed<Probe>> probes) {

    /** The one recipe key that cannot change a number: a run may be resumed with it changed. */
    public static final String CACHE_KEY = "feature_cache";

    public static ComposedRun compose(LoadedRecipe loaded, PluginRegistry registry, RunContext context) {
        Composer composer = new Composer(registry, loaded.source(), context);
        Composed<Dataset> train = composer.create(loaded.train(), Dataset.class, null);
        Composed<Dataset> probeData = loaded.probesTrainData() ? train
                : composer.create(loaded.probeData(), Dataset.class, null);
        // Each is an Augmentation (waveform) or a FeatureAugmentation; the composer checks it is exactly one.
        List<Composed<Object>> augment = new ArrayList<>();
        loaded.augment().forEach(ref -> augment.add(composer.create(ref, Object.class, null)));
        Composed<Frontend> frontend = composer.create(loaded.frontend(), Frontend.class, null);
        checkAugmentations(loaded.source(), augment, frontend);
        FeatureSpec spec = frontend.instance().spec();
        // The body is built for what it sees: a learned frontend's output, or the loader's features.
        FeatureSpec bodyInput = UpstreamModel.bodyInput(frontend.instance());
        Composed<Encoder> encoder = composer.create(loaded.encoder(), Encoder.class, bodyInput);
        Composed<Objective> objective = composer.create(loaded.objective(), Objective.class, spec);
        List<Composed<Probe>> probes = new ArrayList<>();
        loaded.probes().forEach(ref -> probes.add(composer.create(ref, Probe.class, bodyInput)));
        return new ComposedRun(loaded, context, composer, train, probeData, List.copyOf(augment), frontend,
                new UpstreamModel(frontend.instance(), encoder.instance()), encoder, objective, List.copyOf(probes));
    }

    /** Feature augmentations need features made on the loader: a learned frontend makes its own in the graph. */
    public static void checkAugmentations(LocatedYaml source, List<Composed<Object>> augment, Composed<Frontend> frontend) {
        if (!(frontend.instance() instanceof LearnedFrontend)) {
            return;
        }
        for (Composed<Object> a : augment) {
            if (a.instance() instanceof FeatureAugmentation) {
                throw source.error(a.ref().path(), a.plugin().type() + " augments features, but frontend "
                        + frontend.plugin().type() + " learns its features inside the network, where no augmentation "
                        + "reaches", "remove " + a.ref().path() + ", or use a frontend that computes features on the "
                        + "loader, such as fbank");
            }
        }
    }

    public Recipe recipe() {
        return loaded.recipe();
    }

    /** The recipe's waveform augmentations, in recipe order. */
    public List<Augmentation> waveformAugmentations() {
        return augment.stream().map(Composed::instance).filter(a -> a instanceof Augmentation)
                .map(a -> (Augmentation) a).toList();
    }

    /** The recipe's feature augmentations, in recipe order. */
    public List<FeatureAugmentation> featureAugmentations() {
        return augment.stream().map(Composed::instance).filter(a -> a instanceof FeatureAugmentation)
                .map(a -> (FeatureAugmentation) a).toList();
    }

    /** The augmentations in the order the loader applies them: waveform ones, then feature ones. */
    public List<Composed<Object>> augmentationsInOrder() {
        List<Composed<Object>> ordered = new ArrayList<>();
        augment.stream().filter(a -> a.instance() instanceof Augmentation).forEach(ordered::add);
        augment.stream().filter(a -> a.instance() instanceof FeatureAugmentation).forEach(ordered::add);
        return ordered;
    }

    /** The frontend as feature cache keys know it: type, bundle, version and full config. */
    public String frontendIdentity() {
        InstalledPlugin p = frontend.plugin();
        return FeatureCache.identity(p.type(), p.bundle(), p.version().toString(),
                ConfigBinder.compactJson(frontend.config()));
    }

    /** The feature cache under the run's cache folder when the recipe asks for one, else null. */
    public FeatureCache featureCache() {
        return recipe().data().featureCache() ? FeatureCache.open(context.cacheDir(), frontendIdentity()) : null;
    }

    /** A fresh network of the same plugins and configs (parameters not yet created). */
    public UpstreamModel newModel() {
        Frontend f = composer.recreate(frontend, Frontend.class, null);
        return new UpstreamModel(f, composer.recreate(encoder, Encoder.class, UpstreamModel.bodyInput(f)));
    }

    /** Whether the probes use the training dataset itself (the recipe names no other). */
    public boolean probesTrainData() {
        return loaded.probesTrainData();
    }

    /** Which plugin filled which slot of the recipe. */
    public Map<String, Composed<?>> slots() {
        Map<String, Composed<?>> slots = new LinkedHashMap<>();
        slots.put("data.train", train);
        if (!probesTrainData()) {
            slots.put("data.probe", probeData);
        }
        for (int i = 0; i < augment.size(); i++) {
            slots.put("augment[" + i + "]", augment.get(i));
        }
        slots.put("frontend", frontend);
        slots.put("encoder", encoder);
        slots.put("objective", objective);
        for (int i = 0; i < probes.size(); i++) {
            slots.put("probes.tasks[" + i + "]", probes.get(i));
        }
        return slots;
    }

    /** The recipe with every default filled in and every plugin pinned to the exact version used. */
    public ObjectNode resolvedRecipe() {
        Recipe r = recipe();
        ObjectNode root = ConfigBinder.MAPPER.createObjectNode();
        root.put("name", r.name());
        root.put("seed", r.seed());
        // What was asked (auto stays auto): the manifest records the device each start of the run used.
        root.put("device", r.device());
        root.set("budget", ConfigBinder.MAPPER.valueToTree(r.budget()));
        ObjectNode data = root.putObject("data");
        data.set("train", component(train));
        if (!probesTrainData()) {
            data.set("probe", component(probeData));
        }
        data.put(CACHE_KEY, r.data().featureCache());
        ArrayNode aug = root.putArray("augment");
        augment.forEach(a -> aug.add(component(a)));
        root.set("frontend", component(frontend));
        root.set("feature_norm", ConfigBinder.MAPPER.valueToTree(r.featureNorm()));
        root.set("encoder", component(encoder));
        root.set("objective", component(objective));
        root.set("optim", ConfigBinder.MAPPER.valueToTree(r.optim()));
        root.set("batch", ConfigBinder.MAPPER.valueToTree(r.batch()));
        root.set("checkpoint", ConfigBinder.MAPPER.valueToTree(r.checkpoint()));
        ObjectNode probeNode = root.putObject("probes");
        ArrayNode tasks = probeNode.putArray("tasks");
        probes.forEach(p -> tasks.add(component(p)));
        Recipe.Probes probing = loaded.probing();
        probeNode.set("baselines", ConfigBinder.MAPPER.valueToTree(probing.baselines()));
        probeNode.put("test_share", probing.testShare());
        probeNode.set("seeds", ConfigBinder.MAPPER.valueToTree(probing.seedsOr(r.seed())));
        return root;
    }

    private static ObjectNode component(Composed<?> c) {
        ObjectNode node = ConfigBinder.MAPPER.createObjectNode();
        InstalledPlugin p = c.plugin();
        node.put("type", p.type());
        node.put("version", "[" + p.version() + "," + p.version() + "]");
        JsonNode config = ConfigBinder.MAPPER.valueToTree(c.config());
        if (config.isObject()) {
            node.setAll((ObjectNode) config);
        }
        DataSelection selection = c.ref().selection();
        if (selection.hours() != null) {
            node.put("hours", selection.hours());
        }
        if (selection.split() != null) {
            node.set("split", ConfigBinder.MAPPER.valueToTree(selection.split()));
        }
        return node;
    }
}
