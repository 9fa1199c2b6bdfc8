package dev.pretext.core.recipe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Binds a piece of a recipe to a typed record with Jackson and turns every binding failure into a
 * {@link RecipeError} that names the line, the key and what would be valid.
 */
public final class ConfigBinder {
    /** The one mapper for recipe sections and plugin configs: snake_case keys, unknown keys rejected. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .serializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            .build();

    /** Writes resolved recipes: same naming, YAML without the leading document marker. */
    public static final ObjectMapper YAML_WRITER = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);

    private ConfigBinder() {
    }

    /** A bound config as one line of JSON, with the recipe's key names and every default filled in. */
    public static String compactJson(Object config) {
        try {
            return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the config " + config, e);
        }
    }

    /**
     * Binds one section of a recipe to its record.
     *
     * @param path where {@code node} sits in the recipe, e.g. {@code objective}; keys below it are reported as
     *             {@code objective.mask_prob}
     */
    public static <T> T bind(LocatedYaml recipe, String path, JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (UnrecognizedPropertyException e) {
            String key = join(path, pathOf(e, false));
            throw recipe.error(key, "unknown key '" + e.getPropertyName() + "'",
                    "allowed here: " + allowed(e.getKnownPropertyIds()) + suggestion(e.getPropertyName(), e.getKnownPropertyIds()));
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            while (cause.getCause() != null && cause instanceof java.lang.reflect.InvocationTargetException) {
                cause = cause.getCause();
            }
            String key = join(path, pathOf(e, true));
            throw recipe.error(key, cause.getMessage() == null ? cause.toString() : cause.getMessage(), null);
        } catch (InvalidFormatException e) {
            String key = join(path, pathOf(e, false));
            throw recipe.error(key, "'" + e.getValue() + "' is not a valid " + describe(e.getTargetType()), null);
        } catch (MismatchedInputException e) {
            String key = join(path, pathOf(e, false));
            String found = node.at(pointer(pathOf(e, false))).getNodeType().name().toLowerCase(java.util.Locale.ROOT);
            throw recipe.error(key, "expected " + describe(e.getTargetType()) + ", found " + found, null);
        } catch (JsonProcessingException e) {
            String where = e instanceof JsonMappingException jme ? pathOf(jme, false) : "";
            String key = join(path, where);
            InputCoercionException range = rangeProblem(e);
            if (range != null) {
                // bins: 1e40 into an int: say the value and the limit, not Jackson's wording.
                throw recipe.error(key, node.at(pointer(where)).asText() + " is out of range: a "
                        + describe(range.getTargetType()) + " here is at most " + maximum(range.getTargetType()),
                        "give a smaller number");
            }
            throw recipe.error(key, e.getOriginalMessage(), null);
        } catch (IllegalArgumentException e) {
            throw recipe.error(path, e.getMessage(), null);
        }
    }

    private static InputCoercionException rangeProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InputCoercionException ice) {
                return ice;
            }
        }
        return null;
    }

    private static String maximum(Class<?> type) {
        if (type == Integer.class || type == int.class) {
            return String.valueOf(Integer.MAX_VALUE);
        }
        if (type == Long.class || type == long.class) {
            return String.valueOf(Long.MAX_VALUE);
        }
        if (type == Short.class || type == short.class) {
            return String.valueOf(Short.MAX_VALUE);
        }
        return "its type's limit";
    }

    private static String pathOf(JsonMappingException e, boolean dropLast) {
        List<JsonMappingException.Reference> refs = e.getPath();
        StringBuilder sb = new StringBuilder();
        int n = dropLast && !refs.isEmpty() && refs.get(refs.size() - 1).getFieldName() == null ? refs.size() - 1 : refs.size();
        for (int i = 0; i < n; i++) {
            JsonMappingException.Reference r = refs.get(i);
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String pointer(String dotted) {
        if (dotted.isEmpty()) {
            return "";
        }
        return "/" + dotted.replace("[", ".").replace("]", "").replace(".", "/");
    }

    private static String join(String path, String key) {
        if (key == null || key.isEmpty()) {
            return path;
        }
        if (path == null || path.isEmpty()) {
            return key;
        }
        return key.startsWith("[") ? path + key : path + "." + key;
    }

    private static String allowed(Collection<Object> known) {
        return known.stream().map(String::valueOf).collect(Collectors.toCollection(TreeSet::new)).stream()
                .collect(Collectors.joining(", "));
    }

    /** "did you mean" for a near miss: edit distance at most 2, or one word the start of the other. */
    static String suggestion(String wrong, Collection<Object> known) {
        String best = null;
        int bestDistance = 3;
        for (Object k : known) {
            String key = String.valueOf(k);
            int d = Strings.editDistance(wrong, key);
            if (Math.min(wrong.length(), key.length()) >= 3 && (wrong.startsWith(key) || key.startsWith(wrong))) {
                d = Math.min(d, 2);
            }
            if (d < bestDistance) {
                bestDistance = d;
                best = String.valueOf(k);
            }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "value";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "whole number";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "text";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "list";
        }
        if (type.isRecord() || JsonNode.class.isAssignableFrom(type) || java.util.Map.class.isAssignableFrom(type)) {
            return "mapping (key: value)";
        }
        return type.getSimpleName();
    }
}
