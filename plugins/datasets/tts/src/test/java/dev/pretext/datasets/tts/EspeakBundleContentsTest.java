package dev.pretext.datasets.tts;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bundle carries JNA, classes and native part, so espeak works inside Felix whatever the host offers: bnd
 * copies them into the class output (from which the jar is made) before the tests run.
 */
class EspeakBundleContentsTest {
    private static final Path CLASSES = Path.of("target", "classes");

    @Test
    void jnaAndItsNativePartAreEmbedded() {
        for (String resource : new String[] {
            "com/sun/jna/Native.class",
            "com/sun/jna/NativeLibrary.class",
            "com/sun/jna/CallbackReference.class",
            "com/sun/jna/ptr/PointerByReference.class",
            "com/sun/jna/linux-x86-64/libjnidispatch.so",
            "com/sun/jna/linux-aarch64/libjnidispatch.so"}) {
            assertTrue(Files.isRegularFile(CLASSES.resolve(resource)), resource + " is not in the bundle");
        }
    }

    @Test
    void jnaIsNotImported() throws IOException {
        try (InputStream in = Files.newInputStream(CLASSES.resolve("META-INF/MANIFEST.MF"))) {
            String imports = new Manifest(in).getMainAttributes().getValue("Import-Package");
            assertFalse(imports.contains("com.sun.jna"), imports);
        }
    }
}
