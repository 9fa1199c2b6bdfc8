package dev.pretext.augmentations.specaugment;

import ai.djl.Device;
import dev.pretext.api.PluginKind;
import dev.pretext.api.RunContext;
import dev.pretext.api.audio.Features;
import dev.pretext.api.data.FeatureAugmentation;
import dev.pretext.architectures.fbank.FbankConfig;
import dev.pretext.architectures.fbank.FbankFrontend;
import dev.pretext.core.plugins.Composer;
import dev.pretext.core.plugins.InstalledPlugin;
import dev.pretext.core.recipe.ComponentRef;
import dev.pretext.core.recipe.LocatedYaml;
import dev.pretext.core.recipe.RecipeError;
import dev.pretext.launcher.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Version;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs after packaging (failsafe): the bundle jar as bnd made it, then installed in the real Felix host. */
class SpecAugmentBundleIT {
    @TempDir
    Path temp;

    private static Path bundle() {
        String path = System.getProperty("bundle.jar");
        assertNotNull(path, "the build passes the bundle's path as system property bundle.jar");
        Path jar = Path.of(path);
        assertTrue(Files.isRegularFile(jar), "no bundle at " + jar);
        return jar;
    }

    @Test
    void theJarIsABundleThatNeedsTheFeatureAugmentationSpi() throws Exception {
        try (JarFile jar = new JarFile(bundle().toFile())) {
            Attributes manifest = jar.getManifest().getMainAttributes();
            assertEquals("dev.pretext.augmentations.specaugment", manifest.getValue("Bundle-SymbolicName"));
            assertEquals("1.0.0", manifest.getValue("Bundle-Version"));
            String imports = manifest.getValue("Import-Package");
            // FeatureAugmentation arrived with dev.pretext.api.data 1.2.0: an older host must refuse the bundle (bnd
            // imports from the minor version it was built against, so the floor may be later).
            assertTrue(imports.matches("(?s).*dev\\.pretext\\.api\\.data;version=\"\\[1\\.([2-9]|[1-9][0-9]),2\\)\".*"),
                    imports);
            assertFalse(imports.contains("dev.pretext.core"), "bundles see the api only: " + imports);
            assertEquals(null, manifest.getValue("Export-Package"), "bundles export nothing");
            String component = manifest.getValue("Service-Component");
            assertNotNull(jar.getEntry(component), "Service-Component " + component + " is missing from the jar");
            assertTrue(manifest.getValue("Provide-Capability").contains("dev.pretext.api.PluginFactory"));
            List<String> classes = jar.stream().map(JarEntry::getName).filter(n -> n.endsWith(".class")).toList();
            assertTrue(classes.stream().allMatch(n -> n.startsWith("dev/pretext/augmentations/specaugment/")),
                    "only its own classes: " + classes);
        }
    }

    @Test
    void theHostLoadsItAndARecipeBuildsAndRunsIt() throws Exception {
        String system = System.getProperty("felix.system");
        assertNotNull(system, "the build copies the host's system bundles and passes felix.system");
        Path plugins = Files.createDirectories(temp.resolve("plugins"));
        Files.copy(bundle(), plugins.resolve(bundle().getFileName()));
        try (Host host = Host.start(Path.of(system), plugins)) {
            assertEquals(List.of(), host.registry().problems());
            InstalledPlugin plugin = host.registry().resolve(PluginKind.AUGMENTATION, "specaugment", null);
            assertEquals(new Version(1, 0, 0), plugin.version());
            assertEquals("dev.pretext.augmentations.specaugment", plugin.bundle());
            // Loaded by the bundle's class loader, yet seen through the host's api classes.
            assertNotSame(getClass().getClassLoader(), plugin.factory().getClass().getClassLoader());

            LocatedYaml yaml = LocatedYaml.read(Path.of("r.yaml"), """
                    augment:
                      - {type: specaugment, version: "[1.0,2.0)", freq_masks: 1, freq_width: 80, time_masks: 0, value: -7}
                    """);
            RunContext context = new RunContext(1, temp.resolve("run"), temp.resolve("cache"), Device.cpu());
            Composer composer = new Composer(host.registry(), yaml, context);
            Object built = composer.create(ref(yaml), Object.class, null).instance();
            assertTrue(built instanceof FeatureAugmentation, built.getClass().getName());
            Features fbank = new FbankFrontend(FbankConfig.defaults()).extract(SpecAugmentationTest.speech());
            Features out = ((FeatureAugmentation) built).apply(fbank, new SplittableRandom(5));
            assertEquals(fbank.frames(), out.frames());
            int masked = 0;
            for (int d = 0; d < out.dim(); d++) {
                boolean all = true;
                for (int t = 0; t < out.frames(); t++) {
                    all &= out.get(t, d) == -7f;
                }
                masked += all ? 1 : 0;
            }
            assertTrue(masked > 0 && masked <= 80, "masked bins: " + masked);

            LocatedYaml bad = LocatedYaml.read(Path.of("bad.yaml"), """
                    augment:
                      - type: specaugment
                        freq_width: -2
                    """);
            RecipeError e = assertThrows(RecipeError.class,
                    () -> new Composer(host.registry(), bad, context).create(ref(bad), Object.class, null));
            assertEquals("bad.yaml:2: augment[0]: freq_width (the widest frequency mask, in bins) must be >= 0, "
                    + "got -2", e.getMessage());
        }
    }

    private static ComponentRef ref(LocatedYaml yaml) {
        return ComponentRef.parse(yaml, PluginKind.AUGMENTATION, "augment[0]", yaml.root().get("augment").get(0));
    }
}
