package dev.pretext.augmentations.speed;

import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs after packaging (failsafe): checks what bnd put into the bundle jar. */
class SpeedBundleIT {
    private static Path bundle() {
        String path = System.getProperty("bundle.jar");
        assertNotNull(path, "the build passes the bundle's path as system property bundle.jar");
        Path jar = Path.of(path);
        assertTrue(Files.isRegularFile(jar), "no bundle at " + jar);
        return jar;
    }

    @Test
    void carriesNoThirdPartyCodeAndImportsOnlyThePlatform() throws Exception {
        try (JarFile jar = new JarFile(bundle().toFile())) {
            List<String> foreign = jar.stream().map(JarEntry::getName)
                    .filter(n -> n.endsWith(".class") && !n.startsWith("dev/pretext/augmentations/speed/")).sorted()
                    .collect(Collectors.toList());
            assertEquals(List.of(), foreign, "the resampler is the bundle's own; nothing else travels inside");
            Attributes manifest = jar.getManifest().getMainAttributes();
            String imports = manifest.getValue("Import-Package");
            // Package names only: drop the quoted attribute values, whose version ranges hold commas too.
            List<String> packages = Arrays.stream(imports.replaceAll("\"[^\"]*\"", "").split(","))
                    .map(p -> p.split(";")[0].trim()).toList();
            for (String p : packages) {
                assertTrue(p.startsWith("dev.pretext.api") || p.startsWith("jakarta.inject") || p.startsWith("java."),
                        "imports " + p + ": " + imports);
            }
            assertEquals("dev.pretext.augmentations.speed", manifest.getValue("Bundle-SymbolicName"));
            String component = manifest.getValue("Service-Component");
            assertNotNull(jar.getEntry(component), "Service-Component " + component + " is missing from the jar");
            assertTrue(manifest.getValue("Provide-Capability").contains("dev.pretext.api.PluginFactory"));
        }
    }

    @Test
    void theResamplerLoadsFromTheJarAlone() throws Exception {
        // A loader that sees only the bundle jar and the JDK: the resampler must need nothing else.
        try (URLClassLoader loader = new URLClassLoader(new URL[]{bundle().toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> resampler = loader.loadClass("dev.pretext.augmentations.speed.SincResampler");
            var constructor = resampler.getDeclaredConstructor(double.class);
            constructor.setAccessible(true);
            Object instance = constructor.newInstance(1.25);
            var resample = resampler.getDeclaredMethod("resample", float[].class, int.class);
            resample.setAccessible(true);
            float[] out = (float[]) resample.invoke(instance, new float[100], 80);
            assertEquals(80, out.length);
            assertEquals(loader, resampler.getClassLoader());
        }
    }
}
