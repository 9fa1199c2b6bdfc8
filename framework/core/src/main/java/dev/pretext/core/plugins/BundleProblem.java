package dev.pretext.core.plugins;

/** A bundle in the plugins folder that offers nothing, and why (unresolved imports, a failing activation, ...). */
public record BundleProblem(String bundle, String version, String location, String state, String cause) {
}
