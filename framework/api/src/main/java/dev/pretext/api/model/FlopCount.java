package dev.pretext.api.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Forward-pass floating-point operations per named component (a multiply-add counts as 2), for one concrete
 * batch shape. Components use dotted names such as {@code encoder.attention.scores}; reports group by prefix.
 */
public record FlopCount(Map<String, Double> forward) {
    public static final FlopCount ZERO = new FlopCount(Map.of());

    public FlopCount {
        forward = Collections.unmodifiableMap(new LinkedHashMap<>(forward));
    }

    public static FlopCount of(String component, double flops) {
        return new FlopCount(Map.of(component, flops));
    }

    public double total() {
        double sum = 0;
        for (double v : forward.values()) {
            sum += v;
        }
        return sum;
    }

    public FlopCount plus(FlopCount other) {
        Map<String, Double> merged = new LinkedHashMap<>(forward);
        other.forward.forEach((k, v) -> merged.merge(k, v, Double::sum));
        return new FlopCount(merged);
    }

    public FlopCount plus(String component, double flops) {
        return plus(of(component, flops));
    }

    /** The same breakdown with every name prefixed, e.g. {@code teacher.}. */
    public FlopCount prefixed(String prefix) {
        Map<String, Double> renamed = new LinkedHashMap<>();
        forward.forEach((k, v) -> renamed.put(prefix + k, v));
        return new FlopCount(renamed);
    }
}
