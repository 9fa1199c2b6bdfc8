package dev.pretext.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Encoder families, the learned waveform frontend and the budget planner, through the CLI on the real bundles. */
class ArchitecturesTest {
    @TempDir
    Path temp;

    private static final String DATA = """
            data:
              train: {type: tts, minutes: 0.5, speakers: 3, seed: 1}
              probe: {type: tts, minutes: 0.6, speakers: 3, seed: 2}
            """;

    @Test
    void budgetPlansTheStepAndTheFamilyAndJsonHasTheSameNumbers() throws Exception {
        Path recipe = temp.resolve("plan.yaml");
        Files.writeString(recipe, """
                name: plan
                seed: 5
                budget: {flops: 1.0e13}
                %s
                frontend: {type: fbank, bins: 40}
                encoder: {type: transformer, preset: tiny, layers: 3}
                objective: mam
                batch: {seconds: 8, max_utterance_seconds: 4}
                """.formatted(DATA));
        Cli json = Cli.run(temp.resolve("cache"), "budget", recipe.toString(), "--json");
        assertEquals(0, json.exit(), json.err() + json.out());
        JsonNode plan = new ObjectMapper().readTree(json.out());
        double perStep = plan.get("flops_per_step").asDouble();
        double sum = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = plan.get("flops_per_step_by_component").fields(); it.hasNext(); ) {
            JsonNode c = it.next().getValue();
            assertEquals(2 * c.get("forward").asDouble(), c.get("backward").asDouble(), 1e-6 * perStep);
            sum += c.get("forward").asDouble() + c.get("backward").asDouble();
        }
        assertEquals(perStep, sum, 1e-9 * perStep);
        assertEquals(Math.floor(1.0e13 / perStep), plan.get("steps").asDouble());
        double attention = plan.get("attention_share").asDouble();
        assertTrue(attention > 0 && attention < 1, "attention share " + attention);
        double hours = plan.get("hours_processed").asDouble();
        assertEquals(hours / plan.at("/data/unique_hours").asDouble(), plan.get("epochs").asDouble(), 0.02);

        JsonNode sizes = plan.get("sizes");
        assertTrue(sizes.size() >= 5, sizes.toString());
        long previous = 0;
        int recipeRows = 0;
        for (JsonNode s : sizes) {
            long params = s.get("parameters").asLong();
            assertTrue(params > previous, "sizes grow with scale: " + sizes);
            assertEquals(3, s.at("/shape/layers").asInt(), "scaling keeps the recipe's depth");
            previous = params;
            if (s.get("is_recipe").asBoolean()) {
                recipeRows++;
                assertEquals(plan.get("parameters").asLong(), params);
                assertEquals(perStep, s.get("flops_per_step").asDouble(), 1e-9 * perStep);
            }
        }
        assertEquals(1, recipeRows);

        Cli table = Cli.run(temp.resolve("cache"), "budget", recipe.toString());
        assertEquals(0, table.exit(), table.err());
        assertTrue(table.out().contains(String.format(java.util.Locale.ROOT, "buys %.0f steps",
                plan.get("steps").asDouble())), table.out());
        assertTrue(table.out().contains("<- recipe"), table.out());
    }

    @Test
    void anExplicitShapeHasNoSizeTableAndABrokenWidthIsARecipeError() throws Exception {
        Path recipe = temp.resolve("explicit.yaml");
        Files.writeString(recipe, """
                name: explicit
                budget: {steps: 100}
                %s
                frontend: {type: fbank, bins: 40}
                encoder: {type: transformer, layers: 2, dim: 32, heads: 2, ffn: 64}
                objective: mam
                """.formatted(DATA));
        Cli plan = Cli.run(temp.resolve("cache"), "budget", recipe.toString());
        assertEquals(0, plan.exit(), plan.err());
        assertTrue(plan.out().contains("buys 100 steps"), plan.out());
        assertTrue(plan.out().contains("no size table") && plan.out().contains("scale resizes a preset"), plan.out());

        Files.writeString(recipe, Files.readString(recipe).replace("layers: 2, dim: 32, heads: 2, ffn: 64",
                "preset: slim, width: 0.3"));
        Cli broken = Cli.run(temp.resolve("cache"), "budget", recipe.toString());
        assertEquals(2, broken.exit(), broken.out());
        assertTrue(broken.err().contains("encoder") && broken.err().contains("nearest valid widths"), broken.err());
        assertTrue(!broken.err().contains("\tat "), "no stack trace for a user mistake: " + broken.err());
    }

    @Test
    void anAutoregressiveObjectiveRefusesABodyThatSeesTheFutureBeforeTraining() throws Exception {
        Path recipe = temp.resolve("apc.yaml");
        Files.writeString(recipe, """
                name: apc
                budget: {steps: 2}
                %s
                frontend: {type: fbank, bins: 40}
                encoder: {type: transformer, layers: 1, dim: 16, heads: 2, ffn: 32}
                objective: {type: apc}
                """.formatted(DATA));
        Cli cli = Cli.run(temp.resolve("cache"), "train", recipe.toString(), "--runs", temp.resolve("runs").toString());
        assertEquals(2, cli.exit(), cli.out() + cli.err());
        assertTrue(cli.err().contains("apc.yaml:") && cli.err().contains("causal: true"), cli.err());
        assertTrue(!cli.err().contains("\tat "), "no stack trace: " + cli.err());
        assertTrue(!Files.exists(temp.resolve("runs/apc/checkpoints")), "nothing was trained");

        Files.writeString(recipe, Files.readString(recipe).replace("ffn: 32}", "ffn: 32, causal: true}"));
        Cli causal = Cli.run(temp.resolve("cache"), "train", recipe.toString(), "--runs",
                temp.resolve("runs").toString(), "--force");
        assertEquals(0, causal.exit(), causal.out() + causal.err());
    }

    @Test
    void theLearnedWaveformFrontendTrainsWithThePostLnConvBodyAndIsProbedAtFiftyHertz() throws Exception {
        Path recipe = temp.resolve("w2v.yaml");
        Files.writeString(recipe, """
                name: w2v
                seed: 3
                budget: {steps: 3}
                %s
                frontend: {type: waveform-cnn, channels: 32, gradient_scale: 0.1}
                feature_norm: {mode: none}
                encoder: {type: transformer, layers: 2, dim: 32, heads: 2, ffn: 64, norm: post, positions: conv,
                          pos_conv_kernel: 16, pos_conv_groups: 4, layer_drop: 0.2}
                objective: mam
                batch: {seconds: 8, max_utterance_seconds: 4}
                probes:
                  tasks: [{type: speakers, epochs: 5}]
                  baselines: [random]
                """.formatted(DATA));
        Cli cli = Cli.run(temp.resolve("cache"), "train", recipe.toString(), "--runs", temp.resolve("runs").toString());
        assertEquals(0, cli.exit(), cli.err() + cli.out());
        ObjectMapper json = new ObjectMapper();
        JsonNode manifest = json.readTree(temp.resolve("runs/w2v/manifest.json").toFile());
        assertEquals(3, manifest.at("/training/steps").asInt());
        JsonNode byComponent = manifest.at("/training/flops_by_component");
        assertTrue(byComponent.get("frontend.conv").asDouble() > 0, byComponent.toString());
        assertTrue(byComponent.get("encoder.positions").asDouble() > 0, byComponent.toString());
        JsonNode probes = json.readTree(temp.resolve("runs/w2v/probes.json").toFile());
        for (String upstream : new String[]{"random", "pretrained"}) {
            double accuracy = probes.at("/" + upstream + "/speakers/value").asDouble(-1);
            assertTrue(accuracy >= 0 && accuracy <= 1, upstream + ": " + probes);
        }
    }
}
