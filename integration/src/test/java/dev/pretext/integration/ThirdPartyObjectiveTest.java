package dev.pretext.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example in examples/objective-denoise is a separate Maven project that knows only the api jar: built here
 * with the Maven running this build, dropped into a plugins folder beside the shipped bundles, listed and trained.
 */
class ThirdPartyObjectiveTest {
    @TempDir
    Path temp;

    private static Path repository() {
        return Path.of(System.getProperty("pretext.dist")).getParent().getParent().getParent().normalize();
    }

    private static String mvn() {
        String home = System.getProperty("maven.home");
        Path bin = home == null ? null : Path.of(home, "bin", "mvn");
        return bin != null && Files.isExecutable(bin) ? bin.toString() : "mvn";
    }

    private static void run(Path dir, Path log, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(mvn(), "-B", "-q"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "maven did not finish: " + command);
        assertEquals(0, p.exitValue(), command + " failed:\n" + Files.readString(log));
    }

    /** Builds the example against this build's api jar, as a third party would against a released one. */
    private Path buildExample() throws Exception {
        Path root = repository();
        String version = System.getProperty("pretext.version");
        Path api = root.resolve("framework/api/target/pretext-api-" + version + ".jar");
        assertTrue(Files.isRegularFile(api), "the api jar is built before the integration tests: " + api);
        Path log = temp.resolve("maven.log");
        // The api's pom names pretext's parent pom: both go into the local repository, as a release would.
        run(root, log, "install:install-file", "-Dfile=pom.xml", "-DpomFile=pom.xml", "-Dpackaging=pom");
        run(root, log, "install:install-file", "-Dfile=" + api, "-DpomFile=framework/api/pom.xml");
        Path example = temp.resolve("objective-denoise");
        copyTree(root.resolve("examples/objective-denoise"), example);
        run(example, log, "package", "-Dpretext.version=" + version);
        return example.resolve("target/pretext-objective-denoise-1.0.0.jar");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.filter(p -> !p.toString().contains("/target")).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void anObjectiveBuiltAgainstTheApiAloneIsListedAndTrains() throws Exception {
        Path jar = buildExample();
        Path plugins = Dist.stagePlugins(temp.resolve("plugins"));
        Files.copy(jar, plugins.resolve(jar.getFileName()));

        Cli listed = Cli.run(temp.resolve("cache"), "--plugins", plugins.toString(), "plugins", "--json");
        assertEquals(0, listed.exit(), listed.err());
        JsonNode all = new ObjectMapper().readTree(listed.out());
        boolean found = false;
        for (JsonNode p : all.get("plugins")) {
            if (p.get("type").asText().equals("denoise")) {
                found = true;
                assertEquals("objective", p.get("kind").asText());
                assertEquals("org.example.denoise", p.get("bundle").asText(), p.toString());
            }
        }
        assertTrue(found, "denoise is listed: " + listed.out());

        Path recipe = temp.resolve("denoise.yaml");
        Files.writeString(recipe, """
                name: denoise
                budget: {steps: 3}
                data:
                  train: {type: tts, minutes: 0.5, speakers: 3, seed: 1}
                frontend: {type: fbank, bins: 40}
                encoder: {type: transformer, layers: 2, dim: 32, heads: 2, ffn: 64}
                objective: {type: denoise, noise: 0.3}
                batch: {seconds: 8, max_utterance_seconds: 4}
                """);
        Cli trained = Cli.run(temp.resolve("cache"), "--plugins", plugins.toString(), "train", recipe.toString(),
                "--runs", temp.resolve("runs").toString());
        assertEquals(0, trained.exit(), trained.err() + trained.out());
        JsonNode manifest = new ObjectMapper().readTree(temp.resolve("runs/denoise/manifest.json").toFile());
        assertEquals(3, manifest.at("/training/steps").asInt());
        assertTrue(manifest.at("/training/flops_by_component/objective.denoise.head").asDouble() > 0,
                manifest.at("/training").toString());
        Files.writeString(recipe, Files.readString(recipe).replace("noise: 0.3", "noise: -1"));
        Cli bad = Cli.run(temp.resolve("cache"), "--plugins", plugins.toString(), "train", recipe.toString(),
                "--runs", temp.resolve("runs").toString(), "--force");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("denoise.yaml:7") && bad.err().contains("noise must be in (0, 100)"),
                bad.err());
    }
}
