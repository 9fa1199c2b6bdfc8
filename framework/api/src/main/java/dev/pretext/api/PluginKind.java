package dev.pretext.api;

import dev.pretext.api.data.Augmentation;
import dev.pretext.api.data.Dataset;
import dev.pretext.api.model.Encoder;
import dev.pretext.api.model.Frontend;
import dev.pretext.api.model.Objective;
import dev.pretext.api.probe.Probe;

import java.util.Locale;

/** The kinds of component a recipe composes; each plugin declares exactly one in {@link PluginFactory#KIND}. */
public enum PluginKind {
    DATASET(Dataset.class),
    AUGMENTATION(Augmentation.class),
    FRONTEND(Frontend.class),
    ENCODER(Encoder.class),
    OBJECTIVE(Objective.class),
    PROBE(Probe.class);

    private final Class<?> contract;

    PluginKind(Class<?> contract) {
        this.contract = contract;
    }

    /** The interface every implementation of this kind must implement. */
    public Class<?> contract() {
        return contract;
    }

    /** The spelling used in service properties, recipes and the CLI: {@code dataset}, {@code objective}, ... */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PluginKind fromId(String id) {
        for (PluginKind kind : values()) {
            if (kind.id().equals(id)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown plugin kind '" + id + "'");
    }
}
