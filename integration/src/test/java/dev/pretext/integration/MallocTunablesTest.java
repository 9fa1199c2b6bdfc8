package dev.pretext.integration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pretext.core.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * glibc's malloc on transparent huge pages ({@code GLIBC_TUNABLES=glibc.malloc.hugetlb=1}, what ./pretext, bench/run
 * and the test JVMs set) only changes where libtorch's tensors live: the tiny recipe trained in fresh JVMs with the
 * setting and with glibc's defaults logs the same losses and gradient norms, and each manifest says which it had.
 */
class MallocTunablesTest {
    @TempDir
    Path temp;

    @Test
    void hugePagesChangeNoNumber() throws Exception {
        Path recipe = temp.resolve("tiny.yaml");
        Files.writeString(recipe, ServeProcess.tinyRecipe("budget: {steps: 40}", "budget: {steps: 12}"));
        List<String> defaults = train(recipe, "defaults", "");
        List<String> hugePages = train(recipe, "huge", "glibc.malloc.hugetlb=1");
        assertEquals(12, defaults.size(), defaults.toString());
        assertEquals(defaults, hugePages);
    }

    /** One `pretext train` in its own JVM; the steps' loss and gradient norm as logged. */
    private List<String> train(Path recipe, String name, String tunables) throws Exception {
        Path dist = Dist.root();
        Path runs = temp.resolve(name);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dpretext.dist=" + dist, "-Xmx1g",
                "-cp", dist.resolve("lib") + File.separator + "*", "dev.pretext.launcher.Main",
                "--cache", temp.resolve("cache").toString(), "train", recipe.toString(), "--runs", runs.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("GLIBC_TUNABLES", tunables);
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), log);
        Path run = runs.resolve("tiny");
        JsonNode manifest = Json.COMPACT.readTree(run.resolve("manifest.json").toFile());
        assertEquals(tunables, manifest.path("platform").path("environment").path("GLIBC_TUNABLES").asText(null),
                "the manifest records the allocator setting");
        List<String> steps = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode step = Json.COMPACT.readTree(line);
            steps.add(step.get("step").asText() + ": loss " + step.get("loss").asText() + ", grad norm "
                    + step.get("grad_norm").asText());
        }
        return steps;
    }
}
