package dev.pretext.core.recipe;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The recipe's {@code device} key as parsed: what a run asks for ({@code auto}, {@code cpu}, {@code gpu},
 * {@code gpu:N}). Parsed when the recipe is read, so a wrong value is a recipe error at its line; what it
 * resolves to on the machine that trains is {@code run/RunDevice}'s.
 *
 * @param index the GPU index for {@code gpu:N}; -1 for {@code gpu} (the first visible GPU) and the others
 */
public record DeviceRequest(Kind kind, int index) {
    /** What the recipe asked for. */
    public enum Kind { AUTO, CPU, GPU }

    public static final DeviceRequest AUTO = new DeviceRequest(Kind.AUTO, -1);

    /** The values a recipe may give, for messages. */
    public static final List<String> VALUES = List.of("auto", "cpu", "gpu", "gpu:N");

    private static final Pattern GPU_N = Pattern.compile("gpu:(\\d{1,4})");

    /**
     * Parses a recipe's value; null means {@code auto}.
     *
     * @throws IllegalArgumentException with what is wrong and what is allowed
     */
    public static DeviceRequest parse(String value) {
        if (value == null) {
            return AUTO;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        DeviceRequest named = switch (v) {
            case "auto" -> AUTO;
            case "cpu" -> new DeviceRequest(Kind.CPU, -1);
            case "gpu", "cuda" -> new DeviceRequest(Kind.GPU, -1);
            default -> null;
        };
        if (named != null) {
            return named;
        }
        Matcher m = GPU_N.matcher(v.replace("cuda:", "gpu:"));
        if (m.matches()) {
            return new DeviceRequest(Kind.GPU, Integer.parseInt(m.group(1)));
        }
        throw new IllegalArgumentException("'" + value + "' is not a device; use auto (a GPU when DJL sees one, else "
                + "the CPU), cpu, gpu (the first visible GPU) or gpu:N (e.g. gpu:1)");
    }

    /** The value as a recipe writes it. */
    @Override
    public String toString() {
        return switch (kind) {
            case AUTO -> "auto";
            case CPU -> "cpu";
            case GPU -> index < 0 ? "gpu" : "gpu:" + index;
        };
    }
}
