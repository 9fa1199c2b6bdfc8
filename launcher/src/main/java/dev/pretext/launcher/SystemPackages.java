package dev.pretext.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Computes {@code org.osgi.framework.system.packages.extra}: the packages of the host's class path that
 * bundles may import (the SPI, DJL, Guice, Jackson, ...). A jar that declares OSGi exports is taken at its
 * word, versions included, so that bundles' import ranges match; for other jars every package with classes
 * is exported at the jar's Maven version.
 */
final class SystemPackages {
    private static final Pattern VERSION = Pattern.compile("(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?");

    private SystemPackages() {
    }

    /**
     * {@link #compute(List)}, kept in {@code cacheFile} for the next start: reading every jar of the class path (DJL's
     * list of packages from their entries) is a tenth of a short command's start-up. The file holds one answer,
     * with the class path it belongs to (each entry's path, size and modification time): any change recomputes it.
     * A cache that cannot be read or written is ignored.
     */
    static String compute(List<Path> jars, Path cacheFile) {
        String key = key(jars);
        try {
            if (Files.isRegularFile(cacheFile)) {
                List<String> lines = Files.readAllLines(cacheFile, StandardCharsets.UTF_8);
                if (lines.size() == 2 && lines.get(0).equals(key)) {
                    return lines.get(1);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // Recomputed below.
        }
        String computed = compute(jars);
        try {
            Files.createDirectories(cacheFile.getParent());
            Path tmp = Files.createTempFile(cacheFile.getParent(), cacheFile.getFileName().toString(), ".tmp");
            try {
                Files.writeString(tmp, key + "\n" + computed + "\n", StandardCharsets.UTF_8);
                Files.move(tmp, cacheFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | UncheckedIOException e) {
            // A read-only cache: computed again next time.
        }
        return computed;
    }

    /** The class path as the cache knows it: every entry's path, size and modification time (a folder's manifest's). */
    static String key(List<Path> jars) {
        StringBuilder sb = new StringBuilder("v1");
        for (Path jar : jars) {
            Path file = Files.isDirectory(jar) ? jar.resolve("META-INF/MANIFEST.MF") : jar;
            sb.append('|').append(jar.toAbsolutePath());
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                sb.append(':').append(a.size()).append(':').append(a.lastModifiedTime().toMillis());
            } catch (IOException e) {
                sb.append(":-");
            }
        }
        return sb.toString();
    }

    static String compute(List<Path> jars) {
        StringBuilder sb = new StringBuilder();
        for (Path jar : jars) {
            if (!java.nio.file.Files.exists(jar)) {
                continue;
            }
            String name = jar.getFileName().toString();
            // The framework exports its own packages; the launcher, core and the study analysis (with its charts)
            // are not for bundles.
            if (name.startsWith("org.apache.felix.framework") || name.startsWith("pretext-launcher")
                    || name.startsWith("pretext-core") || name.startsWith("picocli")
                    || name.startsWith("pretext-study") || name.startsWith("xchart")) {
                continue;
            }
            String exports = java.nio.file.Files.isDirectory(jar) ? exportsOfDirectory(jar) : exportsOf(jar);
            if (!exports.isEmpty()) {
                sb.append(sb.length() == 0 ? "" : ",").append(exports);
            }
        }
        return sb.toString();
    }

    private static String exportsOf(Path jar) {
        try (JarFile jf = new JarFile(jar.toFile())) {
            Manifest mf = jf.getManifest();
            if (mf != null) {
                String declared = mf.getMainAttributes().getValue("Export-Package");
                if (declared != null && !declared.isBlank()) {
                    return declared;
                }
            }
            String version = mavenVersion(jf, jar);
            TreeSet<String> packages = new TreeSet<>();
            Enumeration<JarEntry> entries = jf.entries();
            while (entries.hasMoreElements()) {
                String entry = entries.nextElement().getName();
                if (entry.endsWith(".class") && entry.contains("/") && !entry.startsWith("META-INF/")) {
                    String pkg = entry.substring(0, entry.lastIndexOf('/')).replace('/', '.');
                    if (!pkg.contains("-")) {
                        packages.add(pkg);
                    }
                }
            }
            StringBuilder sb = new StringBuilder();
            for (String p : packages) {
                sb.append(sb.length() == 0 ? "" : ",").append(p).append(";version=\"").append(version).append('"');
            }
            return sb.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read host jar " + jar, e);
        }
    }

    /** A class folder (a module's target/classes when run from the build): its manifest's exports, if any. */
    private static String exportsOfDirectory(Path dir) {
        Path mf = dir.resolve("META-INF/MANIFEST.MF");
        if (!java.nio.file.Files.isRegularFile(mf)) {
            return "";
        }
        try (InputStream in = java.nio.file.Files.newInputStream(mf)) {
            String declared = new Manifest(in).getMainAttributes().getValue("Export-Package");
            return declared == null ? "" : declared;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + mf, e);
        }
    }

    private static String mavenVersion(JarFile jf, Path jar) throws IOException {
        String raw = null;
        Enumeration<JarEntry> entries = jf.entries();
        while (entries.hasMoreElements() && raw == null) {
            JarEntry e = entries.nextElement();
            if (e.getName().startsWith("META-INF/maven/") && e.getName().endsWith("/pom.properties")) {
                Properties props = new Properties();
                try (InputStream in = jf.getInputStream(e)) {
                    props.load(in);
                }
                raw = props.getProperty("version");
            }
        }
        if (raw == null) {
            Attributes attrs = jf.getManifest() == null ? null : jf.getManifest().getMainAttributes();
            raw = attrs == null ? null : attrs.getValue("Implementation-Version");
        }
        if (raw == null) {
            raw = jar.getFileName().toString();
        }
        Matcher m = VERSION.matcher(raw);
        if (!m.find()) {
            return "0.0.0";
        }
        return m.group(1) + "." + (m.group(2) == null ? "0" : m.group(2)) + "." + (m.group(3) == null ? "0" : m.group(3));
    }
}
