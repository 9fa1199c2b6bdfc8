package dev.pretext.augmentations.pitch;

import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs after packaging (failsafe): checks what bnd put into the bundle jar. */
class PitchBundleIT {
    private static Path bundle() {
        String path = System.getProperty("bundle.jar");
        assertNotNull(path, "the build passes the bundle's path as system property bundle.jar");
        Path jar = Path.of(path);
        assertTrue(Files.isRegularFile(jar), "no bundle at " + jar);
        return jar;
    }

    @Test
    void embedsExactlyTheResamplerAndImportsNothingOfTarsos() throws Exception {
        try (JarFile jar = new JarFile(bundle().toFile())) {
            List<String> tarsos = jar.stream().map(JarEntry::getName)
                    .filter(n -> n.startsWith("be/tarsos/") && n.endsWith(".class")).sorted()
                    .collect(Collectors.toList());
            assertEquals(List.of("be/tarsos/dsp/resample/FilterKit.class",
                    "be/tarsos/dsp/resample/Resampler$1.class",
                    "be/tarsos/dsp/resample/Resampler$Result.class",
                    "be/tarsos/dsp/resample/Resampler.class",
                    "be/tarsos/dsp/resample/SampleBuffers.class"), tarsos);
            Attributes manifest = jar.getManifest().getMainAttributes();
            String imports = manifest.getValue("Import-Package");
            assertFalse(imports.contains("be.tarsos"), imports);
            assertFalse(imports.contains("android"), imports);
            assertEquals("dev.pretext.augmentations.pitch", manifest.getValue("Bundle-SymbolicName"));
            String component = manifest.getValue("Service-Component");
            assertNotNull(jar.getEntry(component), "Service-Component " + component + " is missing from the jar");
            assertTrue(manifest.getValue("Provide-Capability").contains("dev.pretext.api.PluginFactory"));
        }
    }

    @Test
    void theEmbeddedResamplerLoadsFromTheJarAlone() throws Exception {
        // A loader that sees only the bundle jar and the JDK: any class the resampler needs must be inside.
        try (URLClassLoader loader = new URLClassLoader(new URL[]{bundle().toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> resampler = loader.loadClass("be.tarsos.dsp.resample.Resampler");
            Object instance = resampler.getConstructor(boolean.class, double.class, double.class)
                    .newInstance(true, 0.5, 2.0);
            float[] out = new float[200];
            Object result = resampler.getMethod("process", double.class, float[].class, int.class, int.class,
                            boolean.class, float[].class, int.class, int.class)
                    .invoke(instance, 1.25, new float[100], 0, 100, true, out, 0, out.length);
            assertEquals(loader, result.getClass().getClassLoader());
        }
    }
}
