package dev.pretext.integration;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every recipe under {@code recipes/} composes on the shipped bundles ({@code pretext recipe check}): keys,
 * types, versions, data folders and engines. A recipe the docs point at must not rot when a plugin changes.
 */
class ShippedRecipesTest {
    @TempDir
    Path temp;

    /** One cache for all plans: the recipes share their synthesised corpora. */
    @TempDir
    static Path sharedCache;

    static Stream<Path> recipes() throws IOException {
        Path folder = Path.of("..", "recipes").toAbsolutePath().normalize();
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> yaml = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertTrue(yaml.size() >= 10, "recipes found in " + folder + ": " + yaml);
            return yaml.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("recipes")
    void composesOnTheShippedBundles(Path recipe) throws IOException {
        Path copy = copy(recipe);
        Cli cli = Cli.run(temp.resolve("cache"), "recipe", "check", copy.toString());
        assertEquals(0, cli.exit(), recipe + ": " + cli.out() + cli.err());
        assertTrue(cli.out().contains(copy + ": ok"), cli.out());
        assertFalse(cli.err().contains("\tat "), cli.err());
    }

    /**
     * {@code pretext budget} plans every recipe on a fresh checkout: nothing trained or prepared yet (HuBERT's
     * k-means targets do not exist; the plan needs only the number of clusters).
     */
    @ParameterizedTest
    @MethodSource("recipes")
    void plansOnAFreshCheckout(Path recipe) throws IOException {
        Path copy = copy(recipe);
        Cli cli = Cli.run(sharedCache, "budget", copy.toString());
        assertEquals(0, cli.exit(), recipe + ": " + cli.out() + cli.err());
        assertTrue(cli.out().contains("buys"), cli.out());
        assertTrue(cli.out().contains("memory: a step needs about"), cli.out());
        assertFalse(cli.err().contains("\tat "), cli.err());
    }

    /**
     * Paths in the shipped recipes are relative to the checkout, where users run them; the tests run in
     * integration/, so a copy names them from the checkout's root. Other relative paths (HuBERT's targets,
     * which a fresh checkout does not have) stay relative to integration/, which has none either.
     */
    private Path copy(Path recipe) throws IOException {
        Path root = recipe.getParent().getParent();
        Path copy = temp.resolve(recipe.getFileName());
        Files.writeString(copy, Files.readString(recipe).replace(" recipes/", " " + root.resolve("recipes") + "/"));
        return copy;
    }
}
