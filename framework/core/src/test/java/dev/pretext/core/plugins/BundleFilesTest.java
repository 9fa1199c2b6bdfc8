package dev.pretext.core.plugins;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BundleFilesTest {
    @TempDir
    Path temp;

    private Path jar(String name, Manifest mf) throws IOException {
        Path jar = temp.resolve(name);
        try (JarOutputStream out = mf == null ? new JarOutputStream(Files.newOutputStream(jar))
                : new JarOutputStream(Files.newOutputStream(jar), mf)) {
            out.putNextEntry(new JarEntry("x/Y.txt"));
            out.write(1);
            out.closeEntry();
        }
        return jar;
    }

    private static Manifest manifest(String symbolicName) {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (symbolicName != null) {
            mf.getMainAttributes().putValue("Bundle-SymbolicName", symbolicName);
        }
        return mf;
    }

    @Test
    void aBundleIsNotReported() throws IOException {
        assertNull(BundleFiles.whyNotABundle(jar("ok.jar", manifest("example.ok"))));
    }

    @Test
    void aJarWithoutOsgiHeadersOrManifestIsNotABundle() throws IOException {
        String plain = BundleFiles.whyNotABundle(jar("plain.jar", manifest(null)));
        assertTrue(plain.contains("no Bundle-SymbolicName") && plain.contains("docs/PLUGINS.md"), plain);
        String bare = BundleFiles.whyNotABundle(jar("bare.jar", null));
        assertTrue(bare.contains("no META-INF/MANIFEST.MF"), bare);
    }

    @Test
    void bytesThatAreNotAZipAreNotAJar() throws IOException {
        Path junk = temp.resolve("junk.jar");
        Files.write(junk, "<html>404 not found</html>".getBytes(StandardCharsets.UTF_8));
        String why = BundleFiles.whyNotABundle(junk);
        assertTrue(why.startsWith("not a jar"), why);
    }

    @Test
    void aFileThatIsGoneIsNotReported() {
        assertNull(BundleFiles.whyNotABundle(temp.resolve("gone.jar")));
    }

    @Test
    void theRootCauseOfAPrintedTraceIsTheInnermost() {
        String trace = """
                java.lang.reflect.InvocationTargetException
                \tat java.base/jdk.internal.reflect.NativeConstructorAccessorImpl.newInstance0(Native Method)
                Caused by: java.lang.RuntimeException: wrapper
                \tat example.A.<init>(A.java:3)
                Caused by: java.lang.IllegalStateException: no licence file
                \t... 35 more
                """;
        assertEquals("IllegalStateException: no licence file", ComponentFailures.rootCause(trace));
        assertEquals("Error: alone", ComponentFailures.rootCause("java.lang.Error: alone\n\tat x.Y(Y.java:1)"));
        assertEquals("Broken$Inner", ComponentFailures.rootCause("example.Broken$Inner"));
    }
}
