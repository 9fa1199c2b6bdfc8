package dev.pretext.core.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pretext.api.PluginKind;
import dev.pretext.core.data.DataSelection;
import org.osgi.framework.VersionRange;

/**
 * A recipe's choice of one plugin: {@code {type: mam, version: "[1.0,2.0)", ...config}}.
 *
 * @param path   where it sits in the recipe, e.g. {@code augment[0]}
 * @param range  acceptable bundle versions; null accepts any
 * @param config the remaining keys, bound later to the plugin's config record
 * @param selection for datasets, the core's own keys {@code hours} and {@code split} (see {@link DataSelection});
 *                  {@link DataSelection#ALL} otherwise
 */
public record ComponentRef(PluginKind kind, String path, String type, VersionRange range, ObjectNode config,
                           DataSelection selection) {

    public ComponentRef(PluginKind kind, String path, String type, VersionRange range, ObjectNode config) {
        this(kind, path, type, range, config, DataSelection.ALL);
    }

    public static ComponentRef parse(LocatedYaml recipe, PluginKind kind, String path, JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw recipe.error(path, "missing", "add e.g. " + path + ": {type: ...}; `pretext plugins` lists the "
                    + kind.id() + " types installed");
        }
        if (node.isTextual()) {
            // Shorthand: `frontend: fbank`.
            return new ComponentRef(kind, path, node.asText(), null, JsonNodeFactory.instance.objectNode());
        }
        if (!node.isObject()) {
            throw recipe.error(path, "expected a mapping such as {type: ...}", null);
        }
        ObjectNode config = ((ObjectNode) node).deepCopy();
        JsonNode type = config.remove("type");
        if (type == null || !type.isTextual() || type.asText().isBlank()) {
            throw recipe.error(path, "says no type", "add type: <name>; `pretext plugins` lists the " + kind.id()
                    + " types installed");
        }
        JsonNode version = config.remove("version");
        VersionRange range = null;
        if (version != null) {
            String text = version.asText().trim();
            try {
                // OSGi syntax: "[1.0,2.0)" is an interval, a bare "1.2" means 1.2 or newer.
                range = new VersionRange(text);
            } catch (IllegalArgumentException e) {
                throw recipe.error(path + ".version", "'" + text + "' is not a version range",
                        "write e.g. \"[1.0,2.0)\" (1.0 up to, not including, 2.0) or \"1.2\" (1.2 or newer)");
            }
        }
        DataSelection selection = DataSelection.ALL;
        if (kind == PluginKind.DATASET && (config.has("hours") || config.has("split"))) {
            ObjectNode keys = JsonNodeFactory.instance.objectNode();
            for (String key : new String[]{"hours", "split"}) {
                JsonNode v = config.remove(key);
                if (v != null) {
                    keys.set(key, v);
                }
            }
            selection = ConfigBinder.bind(recipe, path, keys, DataSelection.class);
        }
        return new ComponentRef(kind, path, type.asText(), range, config, selection);
    }
}
