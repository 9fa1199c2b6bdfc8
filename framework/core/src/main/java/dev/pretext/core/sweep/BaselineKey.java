package dev.pretext.core.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pretext.core.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a baseline's probe results depend on, from a run's resolved recipe: two runs with the same key would
 * probe the same baseline to the same numbers, so a sweep probes it once. {@code features} depends on the seed,
 * the probe data, the frontend, the normalisation (and the training data when the statistics come from it)
 * and the probes; {@code random} also on the encoder. Budget, objective, optimiser, batching and augmentation
 * change neither: the random baseline is the network at the initial weights the seed gives.
 */
final class BaselineKey {
    private BaselineKey() {
    }

    static String of(ObjectNode resolved, String baseline) {
        ObjectNode key = Json.MAPPER.createObjectNode();
        key.set("seed", resolved.get("seed"));
        ObjectNode data = resolved.path("data").isObject() ? ((ObjectNode) resolved.get("data")).deepCopy()
                : Json.MAPPER.createObjectNode();
        data.remove("feature_cache");
        if ("none".equals(resolved.path("feature_norm").path("mode").asText())) {
            // Without global statistics the features do not depend on the training data.
            JsonNode train = data.remove("train");
            if (!data.has("probe") && train != null) {
                data.set("probe", train);
            }
        }
        key.set("data", data);
        key.set("frontend", resolved.get("frontend"));
        key.set("feature_norm", resolved.get("feature_norm"));
        ObjectNode probes = resolved.path("probes").isObject() ? ((ObjectNode) resolved.get("probes")).deepCopy()
                : Json.MAPPER.createObjectNode();
        probes.remove("baselines");
        key.set("probes", probes);
        if (baseline.equals("random")) {
            key.set("encoder", resolved.get("encoder"));
        }
        try {
            return Json.COMPACT.writeValueAsString(sorted(key));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keys sorted at every level, so that the text is the same for equal content. */
    private static Object sorted(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> out = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), sorted(e.getValue()));
            }
            return out;
        }
        if (node.isArray()) {
            java.util.List<Object> out = new java.util.ArrayList<>();
            node.forEach(n -> out.add(sorted(n)));
            return out;
        }
        return node;
    }
}
