package dev.pretext.core.run;

import dev.pretext.api.probe.ProbeResult;
import dev.pretext.core.probe.PairedDifference;
import dev.pretext.core.probe.ProbeTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {
    @TempDir
    Path dir;

    @Test
    void theFilesLeftOutAreListedPerDatasetAsTheManifestRecordsThem() {
        Manifest manifest = new Manifest(dir.resolve("manifest.json"));
        StringBuilder none = new StringBuilder();
        Report.leftOut(none, manifest);
        assertEquals("", none.toString(), "nothing left out, no section");

        manifest.update(m -> m.withDataProblems("data.train", new RunManifest.DataProblems(2,
                List.of("spk/nan.wav: sample 1234 at 0.077 s is NaN", "spk/`odd`.wav: empty file (0 bytes)"))));
        manifest.update(m -> m.withDataProblems("probing.data", new RunManifest.DataProblems(250,
                List.of("a.wav: x"))));
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

    private static ProbeTable table(int seeds) {
        ProbeTable t = new ProbeTable();
        double[][] per = {{0.62, 0.66, 0.60}, {0.55, 0.58, 0.57}, {0.40, 0.44, 0.39}};
        double[][] accuracy = {{0.50, 0.47, 0.55}, {0.60, 0.52, 0.58}, {0.61, 0.50, 0.60}};
        String[] upstreams = {"features", "random", "pretrained"};
        for (int u = 0; u < 3; u++) {
            for (int s = 0; s < seeds; s++) {
                t.put(upstreams[u], "phonemes", s + 1, new ProbeResult("per", per[u][s], false, new double[] {1},
                        Map.of()), 1);
                t.put(upstreams[u], "speakers", s + 1, new ProbeResult("accuracy", accuracy[u][s], true,
                        new double[] {1}, Map.of()), 1);
            }
        }
        return t;
    }

    @Test
    void thePretrainedEncoderIsComparedWithEachBaselineUnderTheRule() {
        StringBuilder md = new StringBuilder();
        Report.comparisons(md, table(3));
        String text = md.toString();
        assertTrue(text.contains(PairedDifference.RULE), text);
        // phonemes: pretrained 0.41 against features 0.627 (gain +0.217, tight) and random 0.567 (gain +0.157).
        assertTrue(text.contains("| phonemes per | features | +0.217 (95% CI "), text);
        assertTrue(text.contains("| real: pretrained better |"), text);
        // speakers: pretrained 0.57 against random 0.567, differences +0.01, -0.02, +0.02: nothing to tell apart.
        assertTrue(text.contains("| speakers accuracy | random | +0.003 (95% CI "), text);
        assertTrue(text.contains("| no real difference shown |"), text);

        StringBuilder one = new StringBuilder();
        Report.comparisons(one, table(1));
        assertTrue(one.toString().contains("| phonemes per | features | +0.220 (one seed: no spread) | cannot tell "
                + "(1 seed; the rule needs 3) |"), one.toString());
        StringBuilder none = new StringBuilder();
        ProbeTable baselinesOnly = new ProbeTable();
        baselinesOnly.put("features", "speakers", 1, new ProbeResult("accuracy", 0.5, true, new double[] {1},
                Map.of()), 1);
        Report.comparisons(none, baselinesOnly);
        assertEquals("", none.toString(), "no pre-trained row, nothing to compare");
    }
}
