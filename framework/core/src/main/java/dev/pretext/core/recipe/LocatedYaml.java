package dev.pretext.core.recipe;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
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

    /** No recipe nests more than a few levels; deeper is a mistake, reported long before Jackson's own limit. */
    static final int MAX_DEPTH = 64;
    /** SnakeYAML's limit on a plain (implicit) key. */
    static final int MAX_PLAIN_KEY = 1024;

    public static LocatedYaml read(Path file, String text) {
        Map<String, Integer> lines = new HashMap<>();
        Reader reader = new Reader(file, lines);
        try (JsonParser parser = YAML.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new RecipeError(file, 1, null, "the recipe is empty", "see recipes/quickstart.yaml for an example");
            }
            JsonNode root = reader.value(parser, "", 0);
            return new LocatedYaml(file, root, lines);
        } catch (RecipeError e) {
            throw e;
        } catch (StreamConstraintsException e) {
            // A size limit of the parser (a number of thousands of digits, a string of millions of characters).
            throw new RecipeError(file, lineOf(e), Strings.clip(reader.path, 80),
                    Strings.clip(withoutInternals(e.getOriginalMessage()), 200), "shorten it");
        } catch (IOException e) {
            int line = lineOf(e);
            String reason = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            if (reason.contains("simple key")) {
                int[] longKey = longPlainKey(text);
                if (longKey != null) {
                    throw new RecipeError(file, longKey[0], null, "a key of " + longKey[1] + " characters; YAML reads "
                            + "at most " + MAX_PLAIN_KEY + " characters as a key",
                            "recipe keys are short words such as mask_prob; check this line");
                }
            }
            throw new RecipeError(file, line, null, "not valid YAML: " + Strings.clip(withoutInternals(reason), 200),
                    "check indentation and quoting");
        }
    }

    private static int lineOf(IOException e) {
        return e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null
                ? jpe.getLocation().getLineNr() : 0;
    }

    /** Jackson's messages name its own classes ("from `StreamReadConstraints.getMaxNestingDepth()`"): cut them. */
    static String withoutInternals(String message) {
        return message == null ? "" : message.replaceAll(",? from `[^`]*`", "").trim();
    }

    /** The first line (1-based) whose key, the text before its first ':', is longer than YAML reads, and its length. */
    static int[] longPlainKey(String text) {
        int lineNr = 0;
        for (String line : text.split("\n", -1)) {
            lineNr++;
            int colon = line.indexOf(':');
            if (colon > MAX_PLAIN_KEY) {
                String key = line.substring(0, colon).strip();
                if (key.startsWith("- ")) {
                    key = key.substring(2).strip();
                }
                if (key.length() > 1 && (key.startsWith("\"") || key.startsWith("'"))) {
                    key = key.substring(1, key.length() - 1);
                }
                if (key.length() > MAX_PLAIN_KEY && !key.contains("#")) {
                    return new int[]{lineNr, key.length()};
                }
            }
        }
        return null;
    }

    /** Reads the tree, keeping where it is so that a parser failure can be reported at its key. */
    private static final class Reader {
        private final Path file;
        private final Map<String, Integer> lines;
        String path = "";

        Reader(Path file, Map<String, Integer> lines) {
            this.file = file;
            this.lines = lines;
        }

        JsonNode value(JsonParser p, String path, int depth) throws IOException {
            this.path = path;
            JsonToken t = p.currentToken();
            int line = p.currentTokenLocation().getLineNr();
            lines.putIfAbsent(path, line);
            if (depth > MAX_DEPTH && (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY)) {
                throw new RecipeError(file, line, Strings.clip(path, 80), "nested more than " + MAX_DEPTH
                        + " levels deep; a recipe needs a few", "check the brackets and indentation here");
            }
            switch (t) {
                case START_OBJECT -> {
                    ObjectNode obj = JsonNodeFactory.instance.objectNode();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        String child = path.isEmpty() ? name : path + "." + name;
                        int keyLine = p.currentTokenLocation().getLineNr();
                        if (obj.has(name)) {
                            throw new RecipeError(file, keyLine, Strings.clip(child, 80), "the key appears twice "
                                    + "(first on line " + lines.get(child) + ")", "keep one");
                        }
                        lines.put(child, keyLine);
                        p.nextToken();
                        obj.set(name, value(p, child, depth + 1));
                    }
                    return obj;
                }
                case START_ARRAY -> {
                    ArrayNode arr = JsonNodeFactory.instance.arrayNode();
                    int i = 0;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        arr.add(value(p, path + "[" + i++ + "]", depth + 1));
                    }
                    return arr;
                }
                case VALUE_STRING -> {
                    return JsonNodeFactory.instance.textNode(p.getText());
                }
                case VALUE_NUMBER_INT -> {
                    String text = p.getText();
                    try {
                        return JsonNodeFactory.instance.numberNode(p.getLongValue());
                    } catch (InputCoercionException | NumberFormatException e) {
                        throw new RecipeError(file, line, Strings.clip(path, 80), Strings.clip(text, 40)
                                + " is out of range: whole numbers go up to " + Long.MAX_VALUE,
                                "give a smaller number");
                    }
                }
                case VALUE_NUMBER_FLOAT -> {
                    String text = p.getText();
                    double v;
                    try {
                        v = p.getDoubleValue();
                    } catch (StreamReadException | NumberFormatException e) {
                        v = Double.NaN;
                    }
                    // .nan and .inf (or 1e999) are YAML numbers, but no recipe setting means them.
                    if (!Double.isFinite(v)) {
                        throw new RecipeError(file, line, Strings.clip(path, 80), "'" + Strings.clip(text, 40)
                                + "' is not a finite number", "give a number such as 0.5 or 1.0e13");
                    }
                    return JsonNodeFactory.instance.numberNode(v);
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
