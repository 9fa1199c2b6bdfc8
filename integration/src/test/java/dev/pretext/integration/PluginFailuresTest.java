package dev.pretext.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pretext.core.plugins.BundleProblem;
import dev.pretext.launcher.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, item 2: a plugin that fails is named once, with its cause, and harms nothing else. Real bad jars
 * (see {@link BadPlugins}) beside the shipped bundles, on the real host.
 */
class PluginFailuresTest {
    @TempDir
    Path temp;

    /** What the framework (SCR, Felix, FileInstall) prints on the process's own console while {@code body} runs. */
    private static <T> T capturingConsole(StringBuilder console, Supplier<T> body) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(captured, true);
        System.setOut(both);
        System.setErr(both);
        try {
            return body.get();
        } finally {
            System.setOut(out);
            System.setErr(err);
            console.append(captured);
        }
    }

    private static Set<String> types(JsonNode plugins) {
        Set<String> types = new TreeSet<>();
        plugins.forEach(p -> types.add(p.get("kind").asText() + ":" + p.get("type").asText() + ":"
                + p.get("version").asText()));
        return types;
    }

    @Test
    void everyBadJarIsAProblemWithItsCauseAndTheRestStillLoads() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Path healthyDir = Dist.stagePlugins(temp.resolve("healthy"));
        Cli healthy = Cli.run(temp.resolve("cache"), "--plugins", healthyDir.toString(), "plugins", "--json");
        assertEquals(0, healthy.exit(), healthy.err());
        Set<String> shipped = types(json.readTree(healthy.out()).get("plugins"));

        Path plugins = Dist.stagePlugins(temp.resolve("plugins"));
        BadPlugins.writeAll(plugins, temp.resolve("work"));
        Path cache = temp.resolve("cache");
        StringBuilder console = new StringBuilder();
        Cli listed = capturingConsole(console,
                () -> Cli.run(cache, "--plugins", plugins.toString(), "plugins", "--json"));

        assertEquals(0, listed.exit(), listed.err());
        JsonNode doc = json.readTree(listed.out());
        Set<String> expected = new TreeSet<>(shipped);
        expected.add("objective:fine:0.1.0");
        assertEquals(expected, types(doc.get("plugins")), "the good plugins, the healthy one of the bad bundle too");

        Map<String, JsonNode> problems = new HashMap<>();
        doc.get("problems").forEach(p -> problems.put(
                p.get("plugin").isNull() ? p.get("bundle").asText() : p.get("plugin").asText(), p));
        assertEquals(Set.of("objective ctorthrows", "objective nodescription", "objective noconfig",
                "example.activator", "plain-library.jar", "truncated-download.jar"), problems.keySet(),
                "each bad jar or plugin once: " + doc.get("problems"));
        assertCause(problems, "objective ctorthrows", "failed to activate",
                "IllegalStateException: no licence file in /etc/example");
        assertCause(problems, "objective nodescription", "description() threw",
                "UnsupportedOperationException: no description yet");
        assertCause(problems, "objective noconfig", "configType() threw", "IllegalStateException: config class missing");
        assertCause(problems, "example.activator", "Activator start error", "activator needs EXAMPLE_HOME");
        assertCause(problems, "plain-library.jar", "not an OSGi bundle", "Bundle-SymbolicName");
        assertCause(problems, "truncated-download.jar", "not a jar", "zip");
        for (JsonNode p : doc.get("problems")) {
            assertFalse(p.get("cause").asText().contains("\n"), "one line: " + p.get("cause"));
        }

        Path log = cache.resolve("logs/host.log");
        assertEquals(log.toString(), doc.get("log").asText());
        String logged = Files.readString(log);
        assertTrue(logged.contains("InvocationTargetException") && logged.contains("no licence file in /etc/example"),
                "SCR's stack trace is kept in the host log:\n" + logged);
        assertTrue(problems.get("objective ctorthrows").get("cause").asText().contains(log.toString()),
                "the cause says where the trace is");
        assertFalse(console.toString().contains("\tat ") || console.toString().contains("Exception"),
                "nothing of the framework's on the console:\n" + console);
        assertFalse(listed.err().contains("\tat "), listed.err());
    }

    private static void assertCause(Map<String, JsonNode> problems, String key, String... parts) {
        String cause = problems.get(key).get("cause").asText();
        for (String part : parts) {
            assertTrue(cause.contains(part), key + ": '" + part + "' in: " + cause);
        }
    }

    @Test
    void aRecipeNamingABrokenPluginIsAUserErrorWithTheCause() throws Exception {
        Path plugins = Dist.stagePlugins(temp.resolve("plugins"));
        BadPlugins.writeAll(plugins, temp.resolve("work"));
        for (String[] c : new String[][]{
                {"ctorthrows", "no licence file in /etc/example"},
                {"nodescription", "description() threw UnsupportedOperationException: no description yet"}}) {
            Path recipe = temp.resolve(c[0] + ".yaml");
            Files.writeString(recipe, """
                    name: broken
                    seed: 1
                    budget: {steps: 10}
                    data:
                      train: {type: tts, minutes: 0.2}
                    frontend: {type: fbank}
                    encoder: {type: transformer, preset: tiny}
                    objective: {type: %s}
                    """.formatted(c[0]));
            StringBuilder console = new StringBuilder();
            Cli cli = capturingConsole(console, () -> Cli.run(temp.resolve("cache"), "--plugins", plugins.toString(),
                    "recipe", "check", recipe.toString()));
            assertEquals(2, cli.exit(), cli.err());
            assertTrue(cli.err().contains(recipe + ":8: objective.type") && cli.err().contains(c[1])
                    && cli.err().contains("example-"), cli.err());
            assertTrue(cli.err().lines().count() <= 3, "a few lines:\n" + cli.err());
            assertFalse(cli.err().contains("\tat ") || console.toString().contains("\tat "),
                    "no stack trace:\n" + cli.err() + console);
        }
    }

    @Test
    void jarsThatAreNotBundlesAreReportedAtStart() throws Exception {
        Path plugins = temp.resolve("plugins");
        Files.createDirectories(plugins);
        Files.copy(Dist.bundle("pretext-augment-gain"), plugins.resolve("gain.jar"));
        BadPlugins.notABundle(plugins.resolve("plain-library.jar"));
        BadPlugins.randomBytes(plugins.resolve("truncated-download.jar"));
        try (Host host = Host.start(Dist.system(), plugins, temp.resolve("host.log"))) {
            // The start no longer waits for these to become bundles (they never do): they are problems at once.
            Map<String, BundleProblem> byFile = new HashMap<>();
            host.registry().problems().forEach(p -> byFile.put(p.bundle(), p));
            assertEquals(Set.of("plain-library.jar", "truncated-download.jar"), byFile.keySet());
            assertEquals("not a bundle", byFile.get("plain-library.jar").state());
            assertNull(byFile.get("truncated-download.jar").plugin());
            assertEquals(1, host.registry().plugins().size(), "gain still loads: " + host.registry().plugins());
        }
    }
}
