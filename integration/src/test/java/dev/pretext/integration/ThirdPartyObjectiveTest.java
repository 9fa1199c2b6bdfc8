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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example in examples/objective-denoise is a separate Maven project that knows only the api jar (and the testkit
 * for its contract test): built and tested here with the Maven running this build against a temporary repository,
 * dropped into a plugins folder beside the shipped bundles, listed and trained.
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

    /**
     * Builds the example, and runs its contract test, against this build's api and testkit jars published to a
     * temporary Maven repository, as a third party would against a release. Nothing is installed into a user's
     * repository: the example's build has an empty local repository of its own and reads the rest (DJL, Maven's
     * plugins) from this build's repository as if it were a remote one.
     */
    private Path buildExample() throws Exception {
        Path root = repository();
        String version = System.getProperty("pretext.version");
        Path buildRepository = Path.of(System.getProperty("pretext.m2"));
        Path release = Files.createDirectories(temp.resolve("release-repository"));
        Path log = temp.resolve("maven.log");
        // The api's and testkit's poms name pretext's parent pom, and the testkit needs the core: all four go in.
        publish(root, buildRepository, release, log, "pom.xml", "pom.xml");
        for (String module : List.of("framework/api", "framework/core", "framework/testkit")) {
            String artifact = "pretext-" + Path.of(module).getFileName();
            Path jar = root.resolve(module + "/target/" + artifact + "-" + version + ".jar");
            assertTrue(Files.isRegularFile(jar), "the jar is built before the integration tests: " + jar);
            publish(root, buildRepository, release, log, jar.toString(), module + "/pom.xml");
        }
        Path settings = temp.resolve("settings.xml");
        Files.writeString(settings, SETTINGS.formatted(release.toUri(), buildRepository.toUri(),
                release.toUri(), buildRepository.toUri()));
        Path example = temp.resolve("objective-denoise");
        copyTree(root.resolve("examples/objective-denoise"), example);
        String djlCache = System.getenv("DJL_CACHE_DIR");
        List<String> args = new ArrayList<>(List.of("-s", settings.toString(),
                "-Dmaven.repo.local=" + temp.resolve("local-repository"), "package", "-Dpretext.version=" + version));
        if (djlCache != null) {
            args.add("-Ddjl.cache=" + djlCache);
        }
        run(example, log, args.toArray(String[]::new));
        String surefire = Files.readString(example.resolve(
                "target/surefire-reports/org.example.denoise.DenoiseContractTest.txt"));
        assertTrue(surefire.contains("Tests run: 7, Failures: 0, Errors: 0, Skipped: 0"), surefire);
        assertFalse(Files.exists(temp.resolve("local-repository/dev/pretext/pretext-objective-denoise")),
                "package installs nothing");
        return example.resolve("target/pretext-objective-denoise-1.1.0.jar");
    }

    /** Deploys one file with its pom to the file repository {@code release}, as a release would publish it. */
    private static void publish(Path root, Path buildRepository, Path release, Path log, String file, String pom)
            throws IOException, InterruptedException {
        run(root, log, "-Dmaven.repo.local=" + buildRepository, "deploy:deploy-file", "-Dfile=" + file,
                "-DpomFile=" + pom, "-Durl=" + release.toUri(), "-DrepositoryId=release");
    }

    /** Repositories for the example's build: the temporary release, then this build's own as a read-only source. */
    private static final String SETTINGS = """
            <settings>
              <profiles>
                <profile>
                  <id>repositories</id>
                  <repositories>
                    <repository><id>release</id><url>%s</url><snapshots><enabled>true</enabled></snapshots></repository>
                    <repository><id>build</id><url>%s</url></repository>
                  </repositories>
                  <pluginRepositories>
                    <pluginRepository><id>release</id><url>%s</url></pluginRepository>
                    <pluginRepository><id>build</id><url>%s</url></pluginRepository>
                  </pluginRepositories>
                </profile>
              </profiles>
              <activeProfiles><activeProfile>repositories</activeProfile></activeProfiles>
            </settings>
            """;

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
