package dev.pretext.api;

import dev.pretext.api.data.Augmentation;
import dev.pretext.api.data.Dataset;
import dev.pretext.api.data.FeatureAugmentation;
import dev.pretext.api.model.Encoder;
import dev.pretext.api.model.Frontend;
import dev.pretext.api.model.Objective;
import dev.pretext.api.probe.Probe;

import java.util.List;
import java.util.Locale;

/** The kinds of component a recipe composes; each plugin declares exactly one in {@link PluginFactory#KIND}. */
public enum PluginKind {
    DATASET(Dataset.class),
    /** Waveform ({@link Augmentation}) or feature ({@link FeatureAugmentation}) augmentations, one each. */
    AUGMENTATION(Augmentation.class, FeatureAugmentation.class),
    FRONTEND(Frontend.class),
    ENCODER(Encoder.class),
    OBJECTIVE(Objective.class),
    PROBE(Probe.class);

    private final List<Class<?>> contracts;

    PluginKind(Class<?>... contracts) {
        this.contracts = List.of(contracts);
    }

    /** The kind's main interface: the only one, except for augmentations (see {@link #contracts()}). */
    public Class<?> contract() {
        return contracts.get(0);
    }

    /**
     * The interfaces an implementation of this kind may implement; it implements exactly one of them.
     *
     * @since 1.1.0
     */
    public List<Class<?>> contracts() {
        return contracts;
    }

    /**
     * Whether {@code implementation} is a valid implementation of this kind: it implements exactly one of
     * {@link #contracts()}.
     *
     * @since 1.1.0
     */
    public boolean accepts(Class<?> implementation) {
        return contracts.stream().filter(c -> c.isAssignableFrom(implementation)).count() == 1;
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
