package dev.pretext.core.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReportTest {
    @TempDir
    Path dir;

    @Test
    void theFilesLeftOutAreListedPerDatasetAsTheManifestRecordsThem() {
        Manifest manifest = new Manifest(dir.resolve("manifest.json"));
        StringBuilder none = new StringBuilder();
        Report.leftOut(none, manifest);
        assertEquals("", none.toString(), "nothing left out, no section");

        Map<String, Object> train = new LinkedHashMap<>();
        train.put("skipped", 2);
        train.put("files", List.of("spk/nan.wav: sample 1234 at 0.077 s is NaN",
                "spk/`odd`.wav: empty file (0 bytes)"));
        manifest.putUnder("data_problems", "data.train", train);
        Map<String, Object> probe = new LinkedHashMap<>();
        probe.put("skipped", 250);
        probe.put("files", List.of("a.wav: x"));
        manifest.putUnder("data_problems", "probing.data", probe);
        StringBuilder md = new StringBuilder();
        Report.leftOut(md, manifest);
        assertEquals("""

                ## Files left out

                `data.train`: 2 files not used.

                - `spk/nan.wav: sample 1234 at 0.077 s is NaN`
                - `spk/'odd'.wav: empty file (0 bytes)`

                `probing.data`: 250 files not used (the first 1 listed).

                - `a.wav: x`
                """, md.toString());
    }
}
