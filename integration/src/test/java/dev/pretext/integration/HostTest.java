package dev.pretext.integration;

import dev.pretext.api.PluginKind;
import dev.pretext.core.UserError;
import dev.pretext.core.plugins.InstalledPlugin;
import dev.pretext.launcher.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Boots the real Felix host on the real bundles of the distribution. */
class HostTest {
    @TempDir
    Path temp;

    @Test
    void shippedBundlesOfferEveryKindOfPlugin() throws Exception {
        Path plugins = Dist.stagePlugins(temp.resolve("plugins"));
        try (Host host = Host.start(Dist.system(), plugins)) {
            List<InstalledPlugin> installed = host.registry().plugins();
            Set<PluginKind> kinds = installed.stream().map(InstalledPlugin::kind)
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(PluginKind.class)));
            assertEquals(EnumSet.allOf(PluginKind.class), kinds, "plugins: " + installed);
            Set<String> types = installed.stream().map(p -> p.kind().id() + ":" + p.type()).collect(Collectors.toSet());
            assertTrue(types.containsAll(Set.of("dataset:tts", "dataset:wavdir", "augmentation:speed",
                    "augmentation:gain", "frontend:fbank", "encoder:transformer", "objective:mam", "probe:phonemes",
                    "probe:phone-frames", "probe:speakers")), types.toString());
            assertEquals(List.of(), host.registry().problems());
        }
    }

    @Test
    void twoVersionsSideBySideAreEachResolvedByRange() throws Exception {
        Path plugins = Dist.stagePlugins(temp.resolve("plugins"));
        Path gain = Dist.bundle("pretext-augment-gain");
        Dist.withVersion(gain, "1.1.0", plugins.resolve("pretext-augment-gain-1.1.0.jar"));
        try (Host host = Host.start(Dist.system(), plugins)) {
            var registry = host.registry();
            assertEquals(new Version(1, 0, 0),
                    registry.resolve(PluginKind.AUGMENTATION, "gain", new VersionRange("[1.0,1.1)")).version());
            assertEquals(new Version(1, 1, 0),
                    registry.resolve(PluginKind.AUGMENTATION, "gain", new VersionRange("[1.1,2.0)")).version());
            assertEquals(new Version(1, 1, 0), registry.resolve(PluginKind.AUGMENTATION, "gain", null).version(),
                    "without a range the newest wins");
            UserError none = assertThrows(UserError.class,
                    () -> registry.resolve(PluginKind.AUGMENTATION, "gain", new VersionRange("[2.0,3.0)")));
            assertTrue(none.getMessage().contains("1.0.0") && none.getMessage().contains("1.1.0"), none.getMessage());
        }
    }

    @Test
    void aBundleReplacedInTheWatchedFolderIsPickedUpWithoutRestarting() throws Exception {
        Path plugins = Dist.stagePlugins(temp.resolve("plugins"));
        Path gain = Dist.bundle("pretext-augment-gain");
        Path dropped = plugins.resolve(gain.getFileName());
        try (Host host = Host.start(Dist.system(), plugins)) {
            var registry = host.registry();
            assertEquals(new Version(1, 0, 0), registry.resolve(PluginKind.AUGMENTATION, "gain", null).version());

            Dist.withVersion(gain, "1.0.1", dropped);
            await(() -> registry.resolve(PluginKind.AUGMENTATION, "gain", null).version()
                    .equals(new Version(1, 0, 1)), "replaced bundle (1.0.1) to be seen");

            Files.delete(dropped);
            await(() -> registry.plugins().stream().noneMatch(p -> p.type().equals("gain")),
                    "removed bundle to disappear");
        }
    }

    @Test
    void aHostThatStoppedWatchingKeepsTheBundlesItStartedWith() throws Exception {
        Path plugins = Dist.stagePlugins(temp.resolve("plugins"));
        Path gain = Dist.bundle("pretext-augment-gain");
        Path dropped = plugins.resolve(gain.getFileName());
        try (Host host = Host.start(Dist.system(), plugins)) {
            var registry = host.registry();
            assertTrue(watcherRunning(plugins), "FileInstall watches the folder after start");
            host.stopWatching();
            // FileInstall's stop joins its watcher thread: once it is gone nothing can update the bundles.
            assertFalse(watcherRunning(plugins), "the watcher thread ended");
            // What a rebuild of the distribution does to a run's folder while it trains.
            Dist.withVersion(gain, "1.0.1", dropped);
            Files.delete(plugins.resolve(Dist.bundle("pretext-augment-speed").getFileName()));
            assertEquals(new Version(1, 0, 0), registry.resolve(PluginKind.AUGMENTATION, "gain", null).version());
            List<org.osgi.framework.Bundle> gains = java.util.Arrays.stream(host.context().getBundles())
                    .filter(b -> b.getLocation().endsWith(gain.getFileName().toString())).toList();
            assertEquals(1, gains.size(), gains.toString());
            assertEquals(new Version(1, 0, 0), gains.get(0).getVersion());
            assertEquals(org.osgi.framework.Bundle.ACTIVE, gains.get(0).getState());
            assertTrue(registry.plugins().stream().anyMatch(p -> p.type().equals("speed")), "speed still there");
        }
    }

    @Test
    void aBundleThatCannotResolveIsListedWithItsCause() throws Exception {
        int healthy;
        try (Host host = Host.start(Dist.system(), Dist.stagePlugins(temp.resolve("healthy")))) {
            healthy = host.registry().plugins().size();
        }
        assertTrue(healthy >= 17, "the shipped plugins: " + healthy);
        Path plugins = Dist.stagePlugins(temp.resolve("plugins"));
        java.util.jar.Manifest mf = new java.util.jar.Manifest();
        var attrs = mf.getMainAttributes();
        attrs.put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        attrs.putValue("Bundle-ManifestVersion", "2");
        attrs.putValue("Bundle-SymbolicName", "example.broken");
        attrs.putValue("Bundle-Version", "0.1.0");
        attrs.putValue("Import-Package", "org.example.nowhere;version=\"[1.0,2)\"");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(plugins.resolve("broken.jar")), mf)) {
            out.putNextEntry(new java.util.jar.JarEntry("README.txt"));
            out.write("needs a package nobody exports".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        try (Host host = Host.start(Dist.system(), plugins)) {
            var problems = host.registry().problems();
            assertEquals(1, problems.size(), problems.toString());
            assertEquals("example.broken", problems.get(0).bundle());
            assertTrue(problems.get(0).cause().contains("org.example.nowhere"), problems.get(0).cause());
            assertEquals(healthy, host.registry().plugins().size(), "the healthy bundles still load");
        }
    }

    /** FileInstall's DirectoryWatcher thread for this folder (it is named "fileinstall-" and the folder). */
    private static boolean watcherRunning(Path folder) {
        String name = "fileinstall-" + folder.toAbsolutePath().normalize();
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // Not there yet.
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
