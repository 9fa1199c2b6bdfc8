package dev.pretext.core.run;

import dev.pretext.core.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ManifestTest {
    @TempDir
    Path dir;

    private static RunManifest described(String created, String device) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("asked", "auto");
        detail.put("used", device);
        return new RunManifest("r", created, 7L, new RunManifest.Source(null, null),
                new RunManifest.Platform("17.0.9 (Debian)", "0.36.0", "PyTorch 2.7.1", device, detail, "Linux 6 amd64",
                        2, 25_000_000_000L, Map.of("OMP_WAIT_POLICY", "PASSIVE")),
                List.of(new RunManifest.Component("encoder", "encoder", "transformer", "1.2.0",
                        "dev.pretext.architectures.transformer")),
                List.of(new RunManifest.Bundle("dev.pretext.architectures.transformer", "1.2.0",
                        "file:/p/transformer.jar", "ab12")),
                null, null, null, null, null, null);
    }

    private static RunManifest finished() {
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("encoder.linear", 3.0e9);
        parts.put("objective.head", 1.0e8);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("p", 0.5);
        config.put("db", List.of(-6.0, 6.0));
        return described("2026-12-01T10:00:00Z", "cpu")
                .withDataProblems("data.train", new RunManifest.DataProblems(2, List.of("a.wav: empty file (0 bytes)")))
                .withTraining(new RunManifest.Training(12, "step budget spent", 3.1e9, null, parts, 40.5, 1.25, 0.03,
                                2, 55.0, 3.5, new RunManifest.FeatureCacheUse("/c/features", 1, 2, 3, 0, 0), 0.75,
                                "checkpoints/step-00000012"), 1_000_000L,
                        new RunManifest.DataSummary(40, 0.1, 0.2, 2.0, 0.05,
                                List.of(new RunManifest.Augmentation("gain", "waveform", "augment[0]", config))))
                .withProbeWallSeconds(12.5);
    }

    @Test
    void theManifestIsWrittenWithTheKeysAndOrderReadersKnowAndReadsBackEqual() throws Exception {
        Path file = dir.resolve("manifest.json");
        Manifest m = new Manifest(file, finished());
        m.write();
        String text = Files.readString(file);
        // The format other tools read: snake_case keys in this order, unknown values as null, the FLOPs limit of a
        // budget of steps as null, sections not reached left out.
        List<String> top = names(Json.MAPPER.readTree(text).fieldNames());
        assertEquals(List.of("run", "created", "seed", "source", "platform", "components", "bundles", "data_problems",
                "training", "parameters", "data", "probe_wall_seconds"), top);
        var tree = Json.MAPPER.readTree(text);
        assertEquals(List.of("java", "djl", "engine", "device", "device_detail", "os", "cores", "memory_bytes",
                "environment"), names(tree.get("platform").fieldNames()));
        assertEquals(List.of("steps", "stop_reason", "flops", "flops_budget", "flops_by_component", "train_seconds",
                "data_wait_seconds", "data_wait_share", "loader_threads", "loader_x_realtime_per_thread",
                "loader_utterances_per_thread_second", "feature_cache", "final_loss", "checkpoint"),
                names(tree.get("training").fieldNames()));
        assertEquals(List.of("folder", "hits", "misses", "bypassed", "damaged", "write_failures"),
                names(tree.get("training").get("feature_cache").fieldNames()));
        assertEquals(List.of("train_utterances", "unique_hours", "processed_hours", "epochs", "padding_share",
                "augmentations"), names(tree.get("data").fieldNames()));
        assertEquals(List.of("type", "applies_to", "slot", "config"),
                names(tree.get("data").get("augmentations").get(0).fieldNames()));
        assertEquals(List.of("symbolic_name", "version", "location", "sha256"),
                names(tree.get("bundles").get(0).fieldNames()));
        assertEquals(List.of("skipped", "files"), names(tree.get("data_problems").get("data.train")
                .fieldNames()));
        assertEquals("{\n  \"revision\" : null,\n  \"dirty\" : null\n}", Json.MAPPER.writeValueAsString(
                tree.get("source")));
        assertEquals(true, tree.get("training").get("flops_budget").isNull());

        assertEquals(finished(), Manifest.load(file).content(), "what is written loads back equal");
        Files.writeString(file, text.replace("\"run\" :", "\"from_a_later_version\" : 1,\n  \"run\" :")
                .replace("0.75", "NaN"));
        RunManifest back = Manifest.load(file).content();
        assertEquals("r", back.run(), "keys another version wrote are passed over");
        assertEquals(Double.NaN, back.training().finalLoss(), "a loss that became NaN is read back as written");
    }

    @Test
    void aRunThatHasNotTrainedYetHasNoTrainingSections() throws Exception {
        Path file = dir.resolve("manifest.json");
        new Manifest(file, described("2026-12-01T10:00:00Z", "cpu")).write();
        List<String> top = names(Json.MAPPER.readTree(Files.readString(file)).fieldNames());
        assertEquals(List.of("run", "created", "seed", "source", "platform", "components", "bundles"), top);
    }

    @Test
    void aMissingOrUnreadableManifestStartsEmpty() throws Exception {
        assertEquals(RunManifest.EMPTY, Manifest.load(dir.resolve("none.json")).content());
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"run\": ");
        assertEquals(RunManifest.EMPTY, Manifest.load(broken).content());
    }

    @Test
    void aResumedRunKeepsWhenItWasFirstCreatedAndTakesEverythingElseFresh() {
        Manifest old = new Manifest(dir.resolve("manifest.json"), finished());
        RunManifest fresh = described("2026-12-05T08:00:00Z", "cpu");
        old.merge(new Manifest(dir.resolve("manifest.json"), fresh));
        assertEquals("2026-12-01T10:00:00Z", old.content().created());
        assertEquals(fresh.platform(), old.content().platform());
        assertEquals(finished().training(), old.content().training(), "sections the fresh start lacks are kept");
        assertEquals(12.5, old.content().probeWallSeconds());

        Manifest first = new Manifest(dir.resolve("other.json"));
        first.merge(new Manifest(dir.resolve("other.json"), fresh));
        assertEquals("2026-12-05T08:00:00Z", first.content().created(), "a first description sets it");
        assertNull(first.content().training());
    }

    @Test
    void nativeSettingsAreTheOnesSetAndOnlyThose() {
        Map<String, String> set = Manifest.nativeSettings(Map.of("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1",
                "OMP_WAIT_POLICY", "PASSIVE", "HOME", "/root", "PRETEXT_TOKEN", "ptx_secret",
                "THP_MEM_ALLOC_ENABLE", "1"));
        assertEquals(Map.of("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", "OMP_WAIT_POLICY", "PASSIVE",
                "THP_MEM_ALLOC_ENABLE", "1"), set);
        // Set but empty is a choice too (GLIBC_TUNABLES= turns ./pretext's default off).
        assertEquals(Map.of("GLIBC_TUNABLES", ""), Manifest.nativeSettings(Map.of("GLIBC_TUNABLES", "")));
    }

    private static List<String> names(java.util.Iterator<String> it) {
        List<String> all = new java.util.ArrayList<>();
        it.forEachRemaining(all::add);
        return all;
    }
}
