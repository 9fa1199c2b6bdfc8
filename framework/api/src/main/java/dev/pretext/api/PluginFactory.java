package dev.pretext.api;

import com.google.inject.Binder;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The one service a plugin bundle registers (as an OSGi Declarative Services component) per component type
 * it offers. It hands out types, never instances: the core binds the recipe's configuration (a record of type
 * {@link #configType()}, bound from YAML with unknown keys rejected) and a {@link RunContext} in a child Guice
 * injector and asks it for {@link #implementationType()}, whose {@code @jakarta.inject.Inject} constructor
 * receives them.
 *
 * <p>Register with the service properties {@link #KIND} (a {@link PluginKind#id()}) and {@link #TYPE} (the
 * name recipes use, e.g. {@code mam}). The plugin's version is its bundle's version.
 *
 * <pre>{@code
 * @Component(service = PluginFactory.class, property = {"plugin.kind=objective", "plugin.type=mam"})
 * public final class MamPlugin implements PluginFactory<MamConfig, Objective> { ... }
 * }</pre>
 *
 * @param <C> the configuration record; validate in its compact constructor by throwing
 *            {@link IllegalArgumentException} with a message a user can act on
 * @param <T> the kind's contract, e.g. {@link dev.pretext.api.model.Objective}
 */
@ConsumerType
public interface PluginFactory<C, T> {
    String KIND = "plugin.kind";
    String TYPE = "plugin.type";

    Class<C> configType();

    Class<? extends T> implementationType();

    /** One line for {@code pretext plugins}. */
    default String description() {
        return "";
    }

    /** Extra bindings the implementation needs beyond its config and the {@link RunContext}. */
    default void configure(Binder binder) {
    }
}
