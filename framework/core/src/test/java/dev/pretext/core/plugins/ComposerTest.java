package dev.pretext.core.plugins;

import ai.djl.Device;
import dev.pretext.api.PluginFactory;
import dev.pretext.api.PluginKind;
import dev.pretext.api.RunContext;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.audio.Features;
import dev.pretext.api.data.Augmentation;
import dev.pretext.api.data.FeatureAugmentation;
import dev.pretext.core.UserError;
import dev.pretext.core.recipe.ComponentRef;
import dev.pretext.core.recipe.LocatedYaml;
import dev.pretext.core.recipe.RecipeError;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Version;

import java.nio.file.Path;
import java.util.List;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Composition without OSGi: a registry in a list, a real plugin class, real Jackson binding and Guice. */
class ComposerTest {
    public record ScaleConfig(Double factor) {
        public ScaleConfig {
            factor = factor == null ? 2.0 : factor;
            if (factor <= 0) {
                throw new IllegalArgumentException("factor must be positive, got " + factor);
            }
        }
    }

    public static final class Scale implements Augmentation {
        final ScaleConfig config;
        final RunContext context;

        @Inject
        public Scale(ScaleConfig config, RunContext context) {
            this.config = config;
            this.context = context;
        }

        @Override
        public Waveform apply(Waveform input, RandomGenerator rng) {
            float[] out = input.samples().clone();
            for (int i = 0; i < out.length; i++) {
                out[i] *= config.factor().floatValue();
            }
            return new Waveform(out, input.sampleRate());
        }
    }

    static final class ScalePlugin implements PluginFactory<ScaleConfig, Augmentation> {
        @Override
        public Class<ScaleConfig> configType() {
            return ScaleConfig.class;
        }

        @Override
        public Class<Scale> implementationType() {
            return Scale.class;
        }
    }

    /** A broken plugin: one implementation claiming both kinds of augmentation. */
    public static final class Both implements Augmentation, FeatureAugmentation {
        @Inject
        public Both() {
        }

        @Override
        public Waveform apply(Waveform input, RandomGenerator rng) {
            return input;
        }

        @Override
        public Features apply(Features input, RandomGenerator rng) {
            return input;
        }
    }

    public static final class Masker implements FeatureAugmentation {
        @Inject
        public Masker() {
        }

        @Override
        public Features apply(Features input, RandomGenerator rng) {
            return input;
        }
    }

    public record NoConfig() {
    }

    static PluginFactory<NoConfig, Object> factory(Class<?> impl) {
        return new PluginFactory<>() {
            @Override
            public Class<NoConfig> configType() {
                return NoConfig.class;
            }

            @Override
            @SuppressWarnings("unchecked")
            public Class<? extends Object> implementationType() {
                return impl;
            }
        };
    }

    @Test
    void anAugmentationIsWaveformOrFeatureExactlyOnce() {
        PluginRegistry mixed = () -> List.of(
                new InstalledPlugin(PluginKind.AUGMENTATION, "mask", new Version(1, 0, 0), "m", "file:/m.jar",
                        factory(Masker.class)),
                new InstalledPlugin(PluginKind.AUGMENTATION, "both", new Version(1, 0, 0), "x", "file:/x.jar",
                        factory(Both.class)),
                new InstalledPlugin(PluginKind.AUGMENTATION, "none", new Version(1, 0, 0), "y", "file:/y.jar",
                        factory(String.class)));
        LocatedYaml mask = LocatedYaml.read(Path.of("r.yaml"), "augment:\n  - mask\n");
        Object built = new Composer(mixed, mask, context).create(ref(mask), Object.class, null).instance();
        assertTrue(built instanceof Masker);
        // Asked for a waveform augmentation specifically, a feature one does not do.
        UserError wrong = assertThrows(UserError.class,
                () -> new Composer(mixed, mask, context).create(ref(mask), Augmentation.class, null));
        assertTrue(wrong.getMessage().contains("does not implement dev.pretext.api.data.Augmentation"),
                wrong.getMessage());
        for (String type : List.of("both", "none")) {
            LocatedYaml yaml = LocatedYaml.read(Path.of("r.yaml"), "augment:\n  - " + type + "\n");
            UserError e = assertThrows(UserError.class,
                    () -> new Composer(mixed, yaml, context).create(ref(yaml), Object.class, null));
            assertTrue(e.getMessage().contains("does not implement exactly one of dev.pretext.api.data.Augmentation, "
                    + "dev.pretext.api.data.FeatureAugmentation; the bundle is broken"), e.getMessage());
        }
    }

    private final PluginRegistry registry = () -> List.of(
            new InstalledPlugin(PluginKind.AUGMENTATION, "scale", new Version(1, 0, 0), "b", "file:/b1.jar", new ScalePlugin()),
            new InstalledPlugin(PluginKind.AUGMENTATION, "scale", new Version(1, 2, 0), "b", "file:/b2.jar", new ScalePlugin()));
    private final RunContext context = new RunContext(3, Path.of("run"), Path.of("cache"), Device.cpu());

    private ComponentRef ref(LocatedYaml yaml) {
        return ComponentRef.parse(yaml, PluginKind.AUGMENTATION, "augment[0]", yaml.root().get("augment").get(0));
    }

    @Test
    void bindsConfigAndBuildsWithGuice() {
        LocatedYaml yaml = LocatedYaml.read(Path.of("r.yaml"), "augment:\n  - {type: scale, version: \"[1.0,1.1)\", factor: 3}\n");
        var composed = new Composer(registry, yaml, context).create(ref(yaml), Augmentation.class, null);
        assertEquals(new Version(1, 0, 0), composed.plugin().version());
        Scale scale = (Scale) composed.instance();
        assertEquals(3.0, scale.config.factor());
        assertEquals(context, scale.context);
        assertEquals(1.5f, scale.apply(new Waveform(new float[]{0.5f}, 16000), null).samples()[0]);
    }

    @Test
    void pluginValidationBecomesALocatedRecipeError() {
        LocatedYaml yaml = LocatedYaml.read(Path.of("r.yaml"), "augment:\n  - {type: scale,\n     factor: -1}\n");
        RecipeError e = assertThrows(RecipeError.class,
                () -> new Composer(registry, yaml, context).create(ref(yaml), Augmentation.class, null));
        assertTrue(e.getMessage().startsWith("r.yaml:2: augment[0]: factor must be positive"), e.getMessage());

        LocatedYaml typo = LocatedYaml.read(Path.of("r.yaml"), "augment:\n  - type: scale\n    factr: 2\n");
        RecipeError unknown = assertThrows(RecipeError.class,
                () -> new Composer(registry, typo, context).create(ref(typo), Augmentation.class, null));
        assertTrue(unknown.getMessage().startsWith("r.yaml:3: augment[0].factr: unknown key"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("did you mean 'factor'"), unknown.getMessage());
    }

    @Test
    void unknownTypesAndUnsatisfiableRangesNameWhatIsInstalled() {
        LocatedYaml yaml = LocatedYaml.read(Path.of("r.yaml"), "augment:\n  - {type: scael}\n");
        RecipeError type = assertThrows(RecipeError.class,
                () -> new Composer(registry, yaml, context).create(ref(yaml), Augmentation.class, null));
        assertTrue(type.getMessage().contains("installed augmentation types: scale"), type.getMessage());
        LocatedYaml range = LocatedYaml.read(Path.of("r.yaml"), "augment:\n  - {type: scale, version: \"[2,3)\"}\n");
        RecipeError version = assertThrows(RecipeError.class,
                () -> new Composer(registry, range, context).create(ref(range), Augmentation.class, null));
        assertEquals("augment[0].version", version.key());
        assertTrue(version.getMessage().contains("installed: 1.0.0, 1.2.0"), version.getMessage());
    }
}
