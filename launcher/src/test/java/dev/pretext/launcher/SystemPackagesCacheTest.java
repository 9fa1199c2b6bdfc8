package dev.pretext.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host's system packages are read from the cache while the class path's jars are unchanged, and only then. */
class SystemPackagesCacheTest {
    @TempDir
    Path temp;

    private Path jar(String name, String exports) throws Exception {
        Path jar = temp.resolve(name);
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Export-Package", exports);
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os, mf)) {
            out.putNextEntry(new JarEntry("a/b/C.class"));
            out.closeEntry();
        }
        return jar;
    }

    @Test
    void anUnchangedClassPathIsReadFromTheCacheAndAChangedOneRecomputed() throws Exception {
        Path a = jar("a.jar", "a.b;version=\"1.0.0\"");
        Path cache = temp.resolve("cache/host/system-packages.txt");
        List<Path> cp = List.of(a);
        assertEquals("a.b;version=\"1.0.0\"", SystemPackages.compute(cp, cache));
        assertTrue(Files.isRegularFile(cache));

        // The same class path: the cached line is the answer (the jar is not read).
        List<String> lines = Files.readAllLines(cache);
        Files.write(cache, List.of(lines.get(0), "from.the.cache"));
        assertEquals("from.the.cache", SystemPackages.compute(cp, cache));

        // A jar replaced (other size and time): computed again, and cached again.
        jar("a.jar", "a.b;version=\"2.0.0\",a.c;version=\"2.0.0\"");
        Files.setLastModifiedTime(a, FileTime.fromMillis(Files.getLastModifiedTime(a).toMillis() + 5000));
        assertEquals("a.b;version=\"2.0.0\",a.c;version=\"2.0.0\"", SystemPackages.compute(cp, cache));
        assertEquals("a.b;version=\"2.0.0\",a.c;version=\"2.0.0\"", Files.readAllLines(cache).get(1));

        // A jar touched only: computed again.
        Files.write(cache, List.of(Files.readAllLines(cache).get(0), "stale"));
        Files.setLastModifiedTime(a, FileTime.fromMillis(Files.getLastModifiedTime(a).toMillis() + 5000));
        assertEquals("a.b;version=\"2.0.0\",a.c;version=\"2.0.0\"", SystemPackages.compute(cp, cache));

        // Another class path (a jar added): computed again.
        Path b = jar("b.jar", "x.y;version=\"3.0.0\"");
        assertEquals("a.b;version=\"2.0.0\",a.c;version=\"2.0.0\",x.y;version=\"3.0.0\"",
                SystemPackages.compute(List.of(a, b), cache));
    }

    @Test
    void aCacheThatCannotBeWrittenIsIgnored() throws Exception {
        Path a = jar("a.jar", "a.b;version=\"1.0.0\"");
        Path blocker = Files.writeString(temp.resolve("file"), "not a folder");
        assertEquals("a.b;version=\"1.0.0\"", SystemPackages.compute(List.of(a), blocker.resolve("x/cache.txt")));
    }
}
