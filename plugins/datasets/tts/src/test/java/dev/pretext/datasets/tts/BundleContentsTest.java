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
 * The bundle carries FreeTTS and the kevin16 voice data itself: bnd copies them into the class output (from
 * which the jar is made) before the tests run, and FreeTTS must not be imported from a host that lacks it.
 */
class BundleContentsTest {
    private static final Path CLASSES = Path.of("target", "classes");

    @Test
    void voiceDataAndLexiconAreEmbedded() {
        for (String resource : new String[] {
            "com/sun/speech/freetts/en/us/cmu_us_kal/cmu_us_kal16.bin",
            "com/sun/speech/freetts/en/us/cmulex_compiled.bin",
            "com/sun/speech/freetts/en/us/cmulex_lts.bin",
            "com/sun/speech/freetts/en/us/cmulex_addenda.bin",
            "com/sun/speech/freetts/en/us/cmu_us_kal/KevinVoiceDirectory.class",
            "com/sun/speech/freetts/en/us/CMUDiphoneVoice.class"}) {
            assertTrue(Files.isRegularFile(CLASSES.resolve(resource)), resource + " is not in the bundle");
        }
    }

    @Test
    void freeTtsIsNotImported() throws IOException {
        try (InputStream in = Files.newInputStream(CLASSES.resolve("META-INF/MANIFEST.MF"))) {
            String imports = new Manifest(in).getMainAttributes().getValue("Import-Package");
            assertFalse(imports.contains("com.sun.speech"), imports);
            assertFalse(imports.contains("de.dfki"), imports);
            assertFalse(imports.contains("javax.speech"), imports);
        }
    }
}
