package dev.pretext.server;

import java.nio.file.Path;
import java.util.List;

/** The bundles a job submitted now would run on: the watched folder's jars that the host has running. */
public interface BundleSource {
    /** A live bundle: its jar in the watched folder, its symbolic name and version. */
    record LiveBundle(Path jar, String bundle, String version) {
    }

    List<LiveBundle> bundles();
}
