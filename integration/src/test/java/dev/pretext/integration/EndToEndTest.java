package dev.pretext.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A whole run through the CLI on the real bundles: compose, train under a FLOPs budget, probe, report. */
class EndToEndTest {
    @TempDir
    Path temp;

    @Test
    void trainsUnderAFlopsBudgetProbesAndLeavesACompleteRunFolder() throws Exception {
        Path recipe = temp.resolve("e2e.yaml");
        Files.writeString(recipe, """
                name: e2e
                seed: 5
                budget: {flops: 2.0e10}
                data:
                  train: {type: tts, minutes: 0.5, speakers: 3, seed: 1}
                  probe: {type: tts, minutes: 0.6, speakers: 3, seed: 2}
                  feature_cache: true
                augment:
                  - {type: speed, factors: [0.9, 1.1], p: 0.5}
                  - {type: gain, p: 0.5}
                  - {type: specaugment, time_width: 10}
                frontend: {type: fbank, bins: 40}
                encoder: {type: transformer, layers: 2, dim: 32, heads: 2, ffn: 64}
                objective: {type: mam}
                optim: {accumulate: 2}
                batch: {seconds: 8, max_utterance_seconds: 4}
                probes:
                  tasks: [{type: phonemes, epochs: 2}, {type: speakers, epochs: 5}]
                """);
        Cli cli = Cli.run(temp.resolve("cache"), "train", recipe.toString(), "--runs", temp.resolve("runs").toString());
        assertEquals(0, cli.exit(), cli.err() + cli.out());
        Path run = temp.resolve("runs/e2e");
        for (String f : List.of("recipe.yaml", "manifest.json", "metrics.jsonl", "probes.json", "report.md")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f + " missing");
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode manifest = json.readTree(run.resolve("manifest.json").toFile());
        double spent = manifest.at("/training/flops").asDouble();
        assertTrue(spent > 0 && spent <= 2.0e10, "FLOPs spent within budget: " + spent);
        assertEquals("FLOPs budget spent", manifest.at("/training/stop_reason").asText());
        // The loader's own speed and the augmentation mix are accounted for.
        assertTrue(manifest.at("/training/loader_x_realtime_per_thread").asDouble() > 1, manifest.toString());
        assertEquals("speed", manifest.at("/data/augmentations/0/type").asText());
        assertTrue(manifest.at("/data/augmentations/0/config/p").asDouble() == 0.5, manifest.toString());
        assertEquals("specaugment", manifest.at("/data/augmentations/2/type").asText(), manifest.toString());
        assertEquals("features", manifest.at("/data/augmentations/2/applies_to").asText(), manifest.toString());
        // The feature statistics fill the cache; training reads unaugmented whole utterances from it, and
        // recomputes those a waveform augmentation changed.
        JsonNode cache = manifest.at("/training/feature_cache");
        assertTrue(cache.get("hits").asLong() > 0 && cache.get("bypassed").asLong() > 0, cache.toString());
        assertEquals(0, cache.get("damaged").asLong(), cache.toString());
        for (JsonNode b : manifest.get("bundles")) {
            assertTrue(b.get("sha256").asText().matches("[0-9a-f]{64}"), b.toString());
        }
        assertTrue(manifest.at("/platform/engine").asText().contains("2.7.1"), manifest.get("platform").toString());
        JsonNode probes = json.readTree(run.resolve("probes.json").toFile());
        for (String upstream : List.of("features", "random", "pretrained")) {
            for (String task : List.of("phonemes", "speakers")) {
                JsonNode cell = probes.at("/" + upstream + "/" + task);
                assertTrue(cell.get("value").isNumber(), upstream + "/" + task + ": " + cell);
                double sum = 0;
                for (JsonNode w : cell.get("layer_weights")) {
                    sum += w.asDouble();
                }
                assertEquals(1.0, sum, 1e-3, "layer weights sum to one");
                // No probes.seeds: one probe seed, the run's.
                assertEquals("[5]", cell.get("seeds").toString(), cell.toString());
                assertEquals(cell.get("value").asDouble(), cell.get("values").get(0).asDouble(), 0.0);
                assertEquals(0.0, cell.get("std").asDouble(), 0.0);
            }
        }
        String report = Files.readString(run.resolve("report.md"));
        assertTrue(report.contains("| phonemes per | features | ") && report.contains("cannot tell (1 seed; the "
                + "rule needs 3)"), report);
        String resolved = Files.readString(run.resolve("recipe.yaml"));
        assertTrue(resolved.contains("[1.1.0,1.1.0]"), "plugins pinned to the versions used: " + resolved);
        assertTrue(cli.out().contains("pretrained"), cli.out());
        assertTrue(probes.at("/overall_score/pretrained").isNumber(), probes.toString());
        assertEquals(0.0, probes.at("/overall_score/features").asDouble(), 1e-9, "the features baseline is 0");

        // Probing the finished run again: another task, two upstreams, three probe seeds, merged into probes.json.
        Cli again = Cli.run(temp.resolve("cache"), "probe", run.toString(), "--tasks", "keywords",
                "--upstream", "pretrained,features", "--seeds", "1,2,3", "--json");
        assertEquals(0, again.exit(), again.err() + again.out());
        JsonNode printed = json.readTree(again.out());
        double accuracy = printed.at("/pretrained/keywords/value").asDouble(-1);
        assertTrue(accuracy >= 0 && accuracy <= 1, printed.toString());
        JsonNode values = printed.at("/pretrained/keywords/values");
        assertEquals("[1,2,3]", printed.at("/pretrained/keywords/seeds").toString());
        assertEquals(3, values.size(), printed.toString());
        assertEquals((values.get(0).asDouble() + values.get(1).asDouble() + values.get(2).asDouble()) / 3, accuracy,
                1e-12, "the value is the mean over seeds");
        // The whole merged table is printed and scored: the run seed 5 (phonemes, speakers) and seeds 1-3 (keywords).
        assertEquals(4, printed.at("/overall_score_values/pretrained").size(), printed.toString());
        assertTrue(printed.at("/pretrained/phonemes/value").isNumber(), "earlier cells are in the table: " + printed);
        JsonNode merged = json.readTree(run.resolve("probes.json").toFile());
        assertEquals(accuracy, merged.at("/pretrained/keywords/value").asDouble());
        assertTrue(merged.at("/random/phonemes/value").isNumber(), "earlier cells are kept: " + merged);

        Cli twice = Cli.run(temp.resolve("cache"), "probe", run.toString(), "--seeds", "1,1");
        assertEquals(2, twice.exit());
        assertTrue(twice.err().contains("--seeds: seed 1 appears twice"), twice.err());

        Cli unknown = Cli.run(temp.resolve("cache"), "probe", run.toString(), "--tasks", "phonemez");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("installed probe types: asr, keywords, phone-frames, phonemes, speakers"), unknown.err());
        Path empty = Files.createDirectories(temp.resolve("runs/untrained/checkpoints"));
        Files.copy(run.resolve("recipe.yaml"), empty.getParent().resolve("recipe.yaml"));
        Cli untrained = Cli.run(temp.resolve("cache"), "probe", empty.getParent().toString());
        assertEquals(2, untrained.exit());
        assertTrue(untrained.err().contains("no checkpoint to probe"), untrained.err());
    }
}
