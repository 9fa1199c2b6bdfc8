package dev.pretext.core.plugins;

import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import com.google.inject.spi.Message;
import dev.pretext.api.PluginFactory;
import dev.pretext.api.RunContext;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.core.UserError;
import dev.pretext.core.recipe.ComponentRef;
import dev.pretext.core.recipe.ConfigBinder;
import dev.pretext.core.recipe.LocatedYaml;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns a recipe's {@link ComponentRef} into a live component: resolves the plugin by type and version range,
 * binds the YAML config to the plugin's record, and builds the implementation in a Guice injector of its own (a
 * root injector per component, no parent: a plugin sees only what is bound for it) that holds the config, the
 * {@link RunContext} and, once known, the frontend's {@link FeatureSpec}, plus what the factory's
 * {@code configure} adds.
 */
public final class Composer {
    private final PluginRegistry registry;
    private final LocatedYaml recipe;
    private final RunContext context;

    public Composer(PluginRegistry registry, LocatedYaml recipe, RunContext context) {
        this.registry = registry;
        this.recipe = recipe;
        this.context = context;
    }

    /** The plugin a reference selects, or a recipe error naming what is installed. */
    public InstalledPlugin resolve(ComponentRef ref) {
        try {
            return registry.resolve(ref.kind(), ref.type(), ref.range());
        } catch (UserError e) {
            throw recipe.error(ref.range() != null && e.getMessage().contains("range") ? ref.path() + ".version"
                    : ref.path() + ".type", e.getMessage(), null);
        }
    }

    /** Resolves and binds the config only: enough for {@code pretext recipe check}. */
    public Object bindConfig(ComponentRef ref, InstalledPlugin plugin) {
        return ConfigBinder.bind(recipe, ref.path(), ref.config(), plugin.factory().configType());
    }

    /**
     * Resolves a recipe's component, binds its config and builds it.
     *
     * @param contract what the caller needs; {@code Object.class} takes any of the kind's
     *                 {@link dev.pretext.api.PluginKind#contracts()} (augmentations: waveform or feature)
     */
    public <T> Composed<T> create(ComponentRef ref, Class<T> contract, FeatureSpec features) {
        InstalledPlugin plugin = resolve(ref);
        Object config = bindConfig(ref, plugin);
        return new Composed<>(instantiate(ref, plugin, config, contract, features), config, plugin, ref);
    }

    /** Builds another instance from an already bound config (e.g. a fresh, randomly initialised encoder). */
    public <T> T recreate(Composed<T> composed, Class<T> contract, FeatureSpec features) {
        return instantiate(composed.ref(), composed.plugin(), composed.config(), contract, features);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private <T> T instantiate(ComponentRef ref, InstalledPlugin plugin, Object config, Class<T> contract,
                              FeatureSpec features) {
        PluginFactory factory = plugin.factory();
        Class<?> impl = factory.implementationType();
        if (!contract.isAssignableFrom(impl) || !ref.kind().accepts(impl)) {
            List<Class<?>> kinds = ref.kind().contracts();
            String wanted = !contract.isAssignableFrom(impl) ? contract.getName()
                    : kinds.size() == 1 ? kinds.get(0).getName()
                    : "exactly one of " + kinds.stream().map(Class::getName).collect(Collectors.joining(", "));
            throw new UserError("plugin " + plugin.describe() + " from bundle " + plugin.bundle() + " says it is a "
                    + ref.kind().id() + " but " + impl.getName() + " does not implement " + wanted
                    + "; the bundle is broken, rebuild it against this pretext api");
        }
        try {
            Injector injector = Guice.createInjector(binder -> {
                binder.bind((Class) factory.configType()).toInstance(config);
                binder.bind(RunContext.class).toInstance(context);
                if (features != null) {
                    binder.bind(FeatureSpec.class).toInstance(features);
                }
                factory.configure(binder);
            });
            return contract.cast(injector.getInstance(impl));
        } catch (ProvisionException e) {
            throw translate(ref, plugin, e.getErrorMessages(), e);
        } catch (CreationException e) {
            throw translate(ref, plugin, e.getErrorMessages(), e);
        } catch (ConfigurationException e) {
            throw translate(ref, plugin, e.getErrorMessages(), e);
        }
    }

    /** A plugin rejecting its input (IllegalArgumentException) is the user's to fix; anything else is a bug. */
    private RuntimeException translate(ComponentRef ref, InstalledPlugin plugin, Collection<Message> messages,
                                       RuntimeException e) {
        Throwable cause = e.getCause();
        for (Message m : messages) {
            if (m.getCause() != null) {
                cause = m.getCause();
            }
        }
        if (cause instanceof IllegalArgumentException || cause instanceof UserError) {
            return recipe.error(ref.path(), cause.getMessage(), null);
        }
        return new IllegalStateException("could not build " + plugin.describe() + " from bundle " + plugin.bundle()
                + ": " + (cause == null ? e.getMessage() : cause), cause == null ? e : cause);
    }

    /** A live component with what produced it, for the manifest and the resolved recipe. */
    public record Composed<T>(T instance, Object config, InstalledPlugin plugin, ComponentRef ref) {
    }
}
