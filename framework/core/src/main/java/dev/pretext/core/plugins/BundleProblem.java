package dev.pretext.core.plugins;

/**
 * Something in the plugins folder that offers nothing, and why: a jar that is not a bundle, a bundle that
 * cannot resolve or whose activator throws, or one plugin of a bundle that fails (its component cannot be
 * built, or its factory throws).
 *
 * @param plugin the plugin as {@code "kind type"} when the problem is one plugin of a bundle, else null
 * @param cause  one line a user can act on
 */
public record BundleProblem(String bundle, String version, String location, String state, String plugin,
                            String cause) {
    /** A problem of the whole bundle (or file). */
    public BundleProblem(String bundle, String version, String location, String state, String cause) {
        this(bundle, version, location, state, null, cause);
    }
}
