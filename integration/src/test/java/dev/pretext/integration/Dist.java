package dev.pretext.integration;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** The assembled distribution the tests boot, and tools to stage plugin folders from its bundles. */
final class Dist {
    private Dist() {
    }

    static Path root() {
        Path dist = Path.of(System.getProperty("pretext.dist", "../distribution/target/dist")).toAbsolutePath();
        if (!Files.isDirectory(dist.resolve("plugins"))) {
            throw new IllegalStateException("no distribution at " + dist + "; run mvn package first");
        }
        return dist;
    }

    static Path system() {
        return root().resolve("system");
    }

    static Path shippedPlugins() {
        return root().resolve("plugins");
    }

    /** The shipped bundle whose file name starts with the given artifact id. */
    static Path bundle(String artifactPrefix) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(shippedPlugins(), artifactPrefix + "-*.jar")) {
            for (Path p : ds) {
                return p;
            }
        }
        throw new IllegalStateException("no bundle " + artifactPrefix + " in " + shippedPlugins());
    }

    /** Copies every shipped bundle into a fresh folder. */
    static Path stagePlugins(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(shippedPlugins(), "*.jar")) {
            ds.forEach(jars::add);
        }
        for (Path jar : jars) {
            Files.copy(jar, dir.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }

    /**
     * Writes a copy of a bundle whose manifest says another version: the same plugin as a different release,
     * installed side by side (OSGi allows one symbolic name at several versions).
     */
    static void withVersion(Path bundle, String version, Path target) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try (JarFile in = new JarFile(bundle.toFile());
             OutputStream os = Files.newOutputStream(tmp)) {
            Manifest mf = new Manifest(in.getManifest());
            mf.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
            try (JarOutputStream out = new JarOutputStream(os, mf)) {
                Enumeration<JarEntry> entries = in.entries();
                while (entries.hasMoreElements()) {
                    JarEntry e = entries.nextElement();
                    if (e.getName().equals("META-INF/MANIFEST.MF")) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(e.getName()));
                    try (InputStream is = in.getInputStream(e)) {
                        is.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
