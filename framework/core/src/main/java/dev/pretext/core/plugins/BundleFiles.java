package dev.pretext.core.plugins;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipException;

/** Tells a file in the plugins folder that can never become a bundle, without asking the framework. */
public final class BundleFiles {
    private BundleFiles() {
    }

    /** Why this file is not an OSGi bundle, or null if it looks like one. */
    public static String whyNotABundle(Path jar) {
        if (!Files.isRegularFile(jar)) {
            return null;   // gone meanwhile, or a folder: nothing to report
        }
        try (JarFile jf = new JarFile(jar.toFile())) {
            Manifest mf = jf.getManifest();
            if (mf == null) {
                return "not an OSGi bundle: the jar has no META-INF/MANIFEST.MF; build plugins with "
                        + "bnd-maven-plugin (see docs/PLUGINS.md) or remove the file";
            }
            if (mf.getMainAttributes().getValue("Bundle-SymbolicName") == null) {
                return "not an OSGi bundle: its manifest has no Bundle-SymbolicName; build plugins with "
                        + "bnd-maven-plugin (see docs/PLUGINS.md) or remove the file";
            }
            return null;
        } catch (ZipException e) {
            return "not a jar: it cannot be read as a zip file (" + e.getMessage() + "); remove or replace the file";
        } catch (IOException | SecurityException e) {
            return "cannot be read: " + e.getMessage();
        }
    }
}
