package dev.pretext.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recipe's {@code device} key through the real CLI on this machine (the CPU build of libtorch, no GPU):
 * auto and cpu train on the CPU and record what was asked and what was used; a GPU asked for is one line and
 * exit 2 before anything is made; a run may be resumed under another device value.
 */
class DeviceTest {
    @TempDir
    Path temp;

    private Path recipe(String name, String device) throws Exception {
        Path recipe = temp.resolve(name + ".yaml");
        Files.writeString(recipe, """
                name: %s
                seed: 3
                budget: {steps: 2}
                data:
                  train: {type: tts, minutes: 0.3, speakers: 2, seed: 1}
                frontend: {type: fbank, bins: 40}
                encoder: {type: transformer, layers: 1, dim: 32, heads: 2, ffn: 64}
                objective: {type: mam}
                batch: {seconds: 8, max_utterance_seconds: 4}
                checkpoint: {every_steps: 1}
                """.formatted(name) + (device == null ? "" : "device: " + device + "\n"));
        return recipe;
    }

    @Test
    void autoAndCpuTrainOnTheCpuAndSayWhatWasAskedAndUsed() throws Exception {
        ObjectMapper json = new ObjectMapper();
        byte[] autoWeights = null;
        for (String device : new String[] {null, "cpu"}) {
            String name = device == null ? "auto" : device;
            Cli cli = Cli.run(temp.resolve("cache"), "train", recipe(name, device).toString(), "--runs",
                    temp.resolve("runs").toString());
            assertEquals(0, cli.exit(), cli.err() + cli.out());
            Path run = temp.resolve("runs").resolve(name);
            String resolved = Files.readString(run.resolve("recipe.yaml"));
            assertTrue(resolved.contains("device: \"" + name + "\"") || resolved.contains("device: " + name),
                    "the resolved recipe keeps what was asked: " + resolved);
            JsonNode manifest = json.readTree(run.resolve("manifest.json").toFile());
            assertEquals("cpu", manifest.at("/platform/device").asText(), manifest.toString());
            assertEquals(name, manifest.at("/platform/device_detail/asked").asText(), manifest.toString());
            assertEquals("cpu", manifest.at("/platform/device_detail/used").asText());
            assertEquals("cpu", manifest.at("/platform/device_detail/libtorch_build").asText());
            assertEquals(2, manifest.at("/training/steps").asLong(), manifest.toString());
            byte[] weights = Files.readAllBytes(run.resolve("checkpoints/step-00000002/model.ndlist"));
            if (autoWeights == null) {
                autoWeights = weights;
            } else {
                assertArrayEquals(autoWeights, weights, "auto is the CPU here: the same numbers as cpu");
            }
        }

        // The auto run, resumed under device: cpu (its budget already spent): the device may differ between starts,
        // and a start on the same device adds nothing to the history.
        Path run = temp.resolve("runs/auto");
        Files.writeString(temp.resolve("auto.yaml"), Files.readString(temp.resolve("auto.yaml")) + "device: cpu\n");
        Cli resumed = Cli.run(temp.resolve("cache"), "train", temp.resolve("auto.yaml").toString(), "--resume",
                run.toString());
        assertEquals(0, resumed.exit(), resumed.err() + resumed.out());
        assertFalse((resumed.out() + resumed.err()).contains("resumes on"), "same device: no note");
        JsonNode manifest = json.readTree(run.resolve("manifest.json").toFile());
        assertEquals("cpu", manifest.at("/platform/device_detail/asked").asText(), manifest.toString());
        assertTrue(!manifest.has("device_history") || manifest.get("device_history").size() == 1,
                manifest.toString());

        // pretext probe --device overrides the recipe's device (a GPU run probed on a CPU machine: --device cpu).
        Cli gpu = Cli.run(temp.resolve("cache"), "probe", run.toString(), "--tasks", "speakers", "--upstream",
                "features", "--device", "gpu");
        assertEquals(2, gpu.exit(), gpu.err() + gpu.out());
        assertTrue(gpu.err().contains("sees no GPU"), gpu.err());
        Cli wrong = Cli.run(temp.resolve("cache"), "probe", run.toString(), "--tasks", "speakers", "--device",
                "gpu0");
        assertEquals(2, wrong.exit(), wrong.err() + wrong.out());
        assertTrue(wrong.err().contains("--device: 'gpu0' is not a device"), wrong.err());
    }

    @Test
    void aGpuWhereNoneCanBeUsedIsOneLineBeforeAnythingIsMade() throws Exception {
        for (String device : new String[] {"gpu", "gpu:1"}) {
            Cli cli = Cli.run(temp.resolve("cache"), "train", recipe("g", device).toString(), "--runs",
                    temp.resolve("runs").toString());
            assertEquals(2, cli.exit(), cli.err() + cli.out());
            String err = cli.err().strip();
            assertTrue(err.startsWith("pretext: device: " + device + " asked, but DJL's PyTorch engine sees no GPU ("),
                    err);
            assertTrue(err.contains("CPU build") && err.contains("PYTORCH_LIBRARY_PATH")
                    && err.endsWith("or use device: cpu (or auto)"), err);
            assertEquals(1, err.lines().count(), "one line, no stack trace: " + err);
            assertFalse(Files.exists(temp.resolve("runs/g")), "no run folder is made");
        }
        // A value that is no device is a recipe error at its line, for recipe check too.
        Cli cli = Cli.run(temp.resolve("cache"), "recipe", "check", recipe("h", "gpu0").toString());
        assertEquals(2, cli.exit(), cli.err() + cli.out());
        assertTrue(cli.err().contains("h.yaml:11: device: 'gpu0' is not a device"), cli.err());
        // recipe check does not resolve the device: the machine that checks need not be the one that trains.
        Cli check = Cli.run(temp.resolve("cache"), "recipe", "check", recipe("k", "gpu").toString());
        assertEquals(0, check.exit(), check.err() + check.out());
        // pretext device says what it sees, and exits 2 for a GPU.
        Cli seen = Cli.run(temp.resolve("cache"), "device");
        assertEquals(0, seen.exit(), seen.err() + seen.out());
        assertTrue(seen.out().matches("(?s).*libtorch_build +cpu\n.*") && seen.out().matches("(?s).*gets +cpu\n.*"),
                seen.out());
        Cli gpu = Cli.run(temp.resolve("cache"), "device", "gpu");
        assertEquals(2, gpu.exit(), gpu.err() + gpu.out());
        assertTrue(gpu.err().contains("sees no GPU"), gpu.err());
    }
}
