package dev.pretext.core.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestTest {
    @TempDir
    Path dir;

    @Test
    void whatIsWrittenLoadsBackAndSectionsGrowKeyByKey() {
        Path file = dir.resolve("manifest.json");
        Manifest m = new Manifest(file);
        m.put("git", "abc123");
        m.putUnder("bundles", "dev.pretext.a", Map.of("version", "1.0.0", "sha256", "00"));
        m.putUnder("bundles", "dev.pretext.b", Map.of("version", "2.1.0", "sha256", "11"));
        m.write();

        Manifest back = Manifest.load(file);
        assertEquals("abc123", back.asMap().get("git"));
        Map<?, ?> bundles = (Map<?, ?>) back.asMap().get("bundles");
        assertEquals(List.of("dev.pretext.a", "dev.pretext.b"), List.copyOf(bundles.keySet()), "in insertion order");
        assertEquals("2.1.0", ((Map<?, ?>) bundles.get("dev.pretext.b")).get("version"));
    }

    @Test
    void aMissingOrUnreadableManifestStartsEmpty() throws Exception {
        assertTrue(Manifest.load(dir.resolve("none.json")).asMap().isEmpty());
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"git\": ");
        assertTrue(Manifest.load(broken).asMap().isEmpty());
    }

    @Test
    void aResumedRunKeepsWhenItWasFirstCreatedAndTakesEverythingElseFresh() {
        Manifest old = new Manifest(dir.resolve("manifest.json"));
        old.put("created", "2026-12-01T10:00:00Z");
        old.put("git", "old");
        old.put("train_seconds", 12.5);
        Manifest fresh = new Manifest(dir.resolve("manifest.json"));
        fresh.put("created", "2026-12-05T08:00:00Z");
        fresh.put("git", "new");
        old.merge(fresh);
        assertEquals("2026-12-01T10:00:00Z", old.asMap().get("created"));
        assertEquals("new", old.asMap().get("git"));
        assertEquals(12.5, old.asMap().get("train_seconds"), "keys the fresh description lacks are kept");

        Manifest first = new Manifest(dir.resolve("other.json"));
        first.merge(fresh);
        assertEquals("2026-12-05T08:00:00Z", first.asMap().get("created"), "a first description sets it");
    }

    @Test
    void nativeSettingsAreTheOnesSetAndOnlyThose() {
        Map<String, Object> set = Manifest.nativeSettings(Map.of("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1",
                "OMP_WAIT_POLICY", "PASSIVE", "HOME", "/root", "PRETEXT_TOKEN", "ptx_secret"));
        assertEquals(Map.of("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", "OMP_WAIT_POLICY", "PASSIVE"), set);
        // Set but empty is a choice too (GLIBC_TUNABLES= turns ./pretext's default off).
        assertEquals(Map.of("GLIBC_TUNABLES", ""), Manifest.nativeSettings(Map.of("GLIBC_TUNABLES", "")));
    }
}
