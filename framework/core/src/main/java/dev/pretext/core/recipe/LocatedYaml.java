package dev.pretext.core.recipe;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML document read into a Jackson tree that remembers the line of every key, so that errors found later
 * (when plugin configs are bound) can still point at the line. Paths are dotted keys with list indices in
 * brackets: {@code augment[1].factors}.
 */
public final class LocatedYaml {
    private static final YAMLFactory YAML = new YAMLFactory();

    private final Path file;
    private final JsonNode root;
    private final Map<String, Integer> lines;

    private LocatedYaml(Path file, JsonNode root, Map<String, Integer> lines) {
        this.file = file;
        this.root = root;
        this.lines = lines;
    }

    public static LocatedYaml read(Path file, String text) {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = YAML.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new RecipeError(file, 1, null, "the recipe is empty", "see recipes/quickstart.yaml for an example");
            }
            JsonNode root = readValue(parser, "", lines);
            return new LocatedYaml(file, root, lines);
        } catch (RecipeError e) {
            throw e;
        } catch (IOException e) {
            int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null
                    ? jpe.getLocation().getLineNr() : 0;
            String reason = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new RecipeError(file, line, null, "not valid YAML: " + reason, "check indentation and quoting");
        }
    }

    private static JsonNode readValue(JsonParser p, String path, Map<String, Integer> lines) throws IOException {
        JsonToken t = p.currentToken();
        lines.putIfAbsent(path, p.currentTokenLocation().getLineNr());
        switch (t) {
            case START_OBJECT -> {
                ObjectNode obj = JsonNodeFactory.instance.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    String child = path.isEmpty() ? name : path + "." + name;
                    lines.put(child, p.currentTokenLocation().getLineNr());
                    p.nextToken();
                    if (obj.has(name)) {
                        throw new RecipeError(null, p.currentTokenLocation().getLineNr(), child,
                                "the key appears twice", "keep one");
                    }
                    obj.set(name, readValue(p, child, lines));
                }
                return obj;
            }
            case START_ARRAY -> {
                ArrayNode arr = JsonNodeFactory.instance.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    arr.add(readValue(p, path + "[" + i++ + "]", lines));
                }
                return arr;
            }
            case VALUE_STRING -> {
                return JsonNodeFactory.instance.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return JsonNodeFactory.instance.numberNode(p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return JsonNodeFactory.instance.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return JsonNodeFactory.instance.booleanNode(p.getBooleanValue());
            }
            case VALUE_NULL -> {
                return JsonNodeFactory.instance.nullNode();
            }
            default -> throw new IOException("unexpected YAML token " + t);
        }
    }

    public Path file() {
        return file;
    }

    public JsonNode root() {
        return root;
    }

    /** The line of a key path, or of its nearest enclosing key that has one; 0 when unknown. */
    public int lineOf(String path) {
        String p = path;
        while (true) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            if (cut <= 0) {
                return lines.getOrDefault("", 0);
            }
            p = p.substring(0, cut);
        }
    }

    public RecipeError error(String path, String problem, String hint) {
        return new RecipeError(file, lineOf(path), path, problem, hint);
    }
}
