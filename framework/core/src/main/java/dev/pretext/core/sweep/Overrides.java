package dev.pretext.core.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Setting a recipe key by its path, and the short labels that name runs. */
final class Overrides {
    private Overrides() {
    }

    /** One step of a path: a mapping key, or a list index (then {@code key} is null). */
    record Step(String key, int index) {
    }

    /** {@code augment[0].p} → [augment, [0], p]. */
    static List<Step> parsePath(String path) {
        List<Step> steps = new ArrayList<>();
        if (path.isEmpty()) {
            throw new IllegalArgumentException("an empty key path");
        }
        for (String part : path.split("\\.", -1)) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("key path '" + path + "' has an empty key");
            }
            int bracket = part.indexOf('[');
            String key = bracket < 0 ? part : part.substring(0, bracket);
            if (key.isEmpty() || !key.matches("[A-Za-z0-9_]+")) {
                throw new IllegalArgumentException("key path '" + path + "': '" + part + "' is not a key");
            }
            steps.add(new Step(key, -1));
            String rest = bracket < 0 ? "" : part.substring(bracket);
            while (!rest.isEmpty()) {
                int close = rest.indexOf(']');
                if (!rest.startsWith("[") || close < 2 || !rest.substring(1, close).matches("\\d{1,4}")) {
                    throw new IllegalArgumentException("key path '" + path + "': '" + part + "' is not key[index]");
                }
                steps.add(new Step(null, Integer.parseInt(rest.substring(1, close))));
                rest = rest.substring(close + 1);
            }
        }
        return steps;
    }

    /**
     * Sets {@code value} at {@code path} in {@code root}, making mappings on the way; a list index must exist.
     *
     * @throws IllegalArgumentException when the path crosses a value that is not a mapping or list
     */
    static void apply(ObjectNode root, String path, JsonNode value) {
        List<Step> steps = parsePath(path);
        JsonNode node = root;
        StringBuilder at = new StringBuilder();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            boolean last = i == steps.size() - 1;
            if (step.key() != null) {
                if (!(node instanceof ObjectNode obj)) {
                    throw new IllegalArgumentException("'" + at + "' is " + kind(node) + ", not a mapping with key '"
                            + step.key() + "'");
                }
                at.append(at.length() == 0 ? "" : ".").append(step.key());
                if (last) {
                    obj.set(step.key(), value.deepCopy());
                    return;
                }
                JsonNode next = obj.get(step.key());
                if (next == null || next.isNull()) {
                    next = obj.putObject(step.key());
                }
                node = next;
            } else {
                if (!(node instanceof ArrayNode arr)) {
                    throw new IllegalArgumentException("'" + at + "' is " + kind(node) + ", not a list");
                }
                if (step.index() >= arr.size()) {
                    throw new IllegalArgumentException("'" + at + "' has " + arr.size() + " item(s); there is no ["
                            + step.index() + "]");
                }
                at.append('[').append(step.index()).append(']');
                if (last) {
                    arr.set(step.index(), value.deepCopy());
                    return;
                }
                node = arr.get(step.index());
            }
        }
    }

    private static String kind(JsonNode node) {
        return node == null ? "absent" : node.isObject() ? "a mapping" : node.isArray() ? "a list"
                : "the value '" + node.asText() + "'";
    }

    /**
     * A short, file-name-safe label of a value: numbers compact ({@code 1.5e13}, {@code 0.25}), a mapping by its
     * {@code type} (or its values), a list by its items joined with '+'.
     */
    static String label(JsonNode value) {
        if (value == null || value.isNull()) {
            return "null";
        }
        if (value.isNumber()) {
            return number(value.decimalValue());
        }
        if (value.isTextual() || value.isBoolean()) {
            return safe(value.asText());
        }
        if (value.isArray()) {
            if (value.isEmpty()) {
                return "none"; // augment: [] is "no augmentation", and an empty label cannot be drawn or read
            }
            List<String> parts = new ArrayList<>();
            value.forEach(v -> parts.add(label(v)));
            return String.join("+", parts);
        }
        JsonNode type = value.get("type");
        if (type != null && type.isTextual()) {
            List<String> parts = new ArrayList<>(List.of(safe(type.asText())));
            // Other keys distinguish two entries of one type: {type: noise, snr: 5} vs {type: noise, snr: 20}.
            value.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("type") && !e.getKey().equals("version")) {
                    parts.add(safe(e.getKey()) + label(e.getValue()));
                }
            });
            return String.join("_", parts);
        }
        List<String> parts = new ArrayList<>();
        value.fields().forEachRemaining(e -> parts.add(safe(e.getKey()) + label(e.getValue())));
        return String.join("_", parts);
    }

    /** 1.5E+13 → 1.5e13, 0.250 → 0.25, 6.0 → 6. */
    static String number(BigDecimal v) {
        BigDecimal n = v.stripTrailingZeros();
        if (n.signum() == 0) {
            return "0";
        }
        int exponent = n.precision() - n.scale() - 1;
        if (exponent >= 6 || exponent <= -4) {
            BigDecimal mantissa = n.movePointLeft(exponent).stripTrailingZeros();
            return mantissa.toPlainString() + "e" + exponent;
        }
        return n.toPlainString();
    }

    /** The name segment of an axis value: {@code scale0.5}, {@code slim}, {@code hubert}. */
    static String segment(String path, JsonNode value) {
        String label = label(value);
        if (value.isTextual() || (value.isObject() && value.has("type"))) {
            return label;
        }
        List<Step> steps = parsePath(path);
        String key = steps.get(steps.size() - 1).key();
        for (int i = steps.size() - 1; key == null && i > 0; i--) {
            key = steps.get(i - 1).key();
        }
        return short_(key) + label;
    }

    /** Key words as they read in a name: flops, scale, hours; {@code max_utterance_seconds} → maxUtteranceSeconds. */
    private static String short_(String key) {
        StringBuilder sb = new StringBuilder();
        boolean up = false;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '_') {
                up = true;
            } else {
                sb.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return sb.toString();
    }

    static String safe(String text) {
        String s = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-");
        return s.isEmpty() ? "x" : s;
    }
}
