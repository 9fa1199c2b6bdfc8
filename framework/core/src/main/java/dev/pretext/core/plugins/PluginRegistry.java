package dev.pretext.core.plugins;

import dev.pretext.api.PluginKind;
import dev.pretext.core.UserError;
import org.osgi.framework.VersionRange;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The plugins installed now. Each call looks again, so bundles added while the host runs are seen. */
public interface PluginRegistry {
    List<InstalledPlugin> plugins();

    /** Jars that are not bundles, bundles that failed to resolve or start or register nothing, and broken plugins. */
    default List<BundleProblem> problems() {
        return List.of();
    }

    /**
     * The newest plugin of this kind and type whose version is in {@code range} (null: any).
     *
     * @throws UserError naming the installed types or versions when nothing matches
     */
    default InstalledPlugin resolve(PluginKind kind, String type, VersionRange range) {
        List<InstalledPlugin> ofKind = plugins().stream().filter(p -> p.kind() == kind).toList();
        List<InstalledPlugin> ofType = ofKind.stream().filter(p -> p.type().equals(type)).toList();
        if (ofType.isEmpty()) {
            String wanted = kind.id() + " " + type;
            for (BundleProblem broken : problems()) {
                if (wanted.equals(broken.plugin())) {
                    throw new UserError(kind.id() + " plugin '" + type + "' of bundle " + broken.bundle() + " "
                            + broken.version() + " is installed but broken: " + broken.cause()
                            + "\n  fix the plugin or remove " + file(broken.location()));
                }
            }
            List<String> types = ofKind.stream().map(InstalledPlugin::type).distinct().sorted().toList();
            String near = types.stream().filter(t -> dev.pretext.core.recipe.Strings.editDistance(t, type) <= 2)
                    .findFirst().map(t -> " (did you mean '" + t + "'?)").orElse("");
            throw new UserError("no " + kind.id() + " plugin of type '" + type + "' is installed" + near
                    + "; installed " + kind.id() + " types: " + (types.isEmpty() ? "none" : String.join(", ", types))
                    + problemsHint());
        }
        Optional<InstalledPlugin> best = ofType.stream()
                .filter(p -> range == null || range.includes(p.version()))
                .max(Comparator.comparing(InstalledPlugin::version));
        return best.orElseThrow(() -> new UserError("no installed version of " + kind.id() + " '" + type
                + "' is in the range " + range + "; installed: "
                + ofType.stream().map(p -> p.version().toString()).sorted().collect(Collectors.joining(", "))));
    }

    /** A bundle location as a path when it is a file URI. */
    private static String file(String location) {
        try {
            return location.startsWith("file:") ? java.nio.file.Path.of(java.net.URI.create(location)).toString() : location;
        } catch (RuntimeException e) {
            return location;
        }
    }

    private String problemsHint() {
        List<BundleProblem> problems = problems();
        if (problems.isEmpty()) {
            return "";
        }
        return "\n  plugins folder problems (see `pretext plugins`):" + problems.stream()
                .map(p -> "\n    " + p.bundle() + (p.plugin() == null ? "" : " (" + p.plugin() + ")") + ": " + p.cause())
                .collect(Collectors.joining());
    }
}
