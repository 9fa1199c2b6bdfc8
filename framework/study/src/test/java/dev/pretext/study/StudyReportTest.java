package dev.pretext.study;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** report.md and its plots, from a sweep written by the test with a known law inside. */
class StudyReportTest {
    static final String ANALYSIS = "analysis:\n  metric: score\n  budget: budget.flops\n  categories: [objective]\n";

    @TempDir
    Path tmp;

    @Test
    void theReportHasEveryRunTheFitsThePlotsAndTheRule() throws Exception {
        Path sweep = SweepFixture.write(tmp.resolve("scaling"), ANALYSIS);
        StudyReport.Written w = StudyReport.write(sweep);
        String md = Files.readString(w.report());

        assertTrue(md.startsWith("# Study `scaling`"), md.substring(0, 40));
        assertEquals(1, count(md, "**The comparison rule.**"), "the rule is stated once");
        for (String line : Files.readAllLines(sweep.resolve("results.jsonl"))) {
            String run = line.replaceAll(".*\"run\":\"([^\"]+)\".*", "$1");
            assertTrue(md.contains("`" + run + "`"), "every run is listed: " + run);
        }
        assertTrue(md.contains("| **failed** |"), "the failed run is marked");
        assertTrue(md.contains("out of memory \\| estimate 9 GB of 6 GB"), "with its reason, pipe escaped");
        assertTrue(md.contains("finished without score (left out of the fits): bestrq-scale1-flops3e14"),
                "the run without probes is named");
        // Both objectives get their own scaling section, with an optimal-size law.
        assertTrue(md.contains("## Scaling: objective = hubert"));
        assertTrue(md.contains("## Scaling: objective = bestrq"));
        assertTrue(md.contains("encoder.scale=0.25, budget.flops=1e13, objective=hubert"));
        // hubert's constant advantage is consistent over seeds and cells: the rule calls it real.
        assertTrue(md.matches("(?s).*\\| hubert \\| bestrq \\| 15 \\| \\+(1\\.9|2\\.0)\\d* ± [0-9.]+, t = [0-9.]+, p (= [0-9.]+|< 0.001), "
                + "3 seeds \\| \\*\\*real \\(hubert better\\)\\*\\* \\|.*"), md);
        for (String png : List.of("isoflop-hubert.png", "isoflop-bestrq.png", "optimal-size-hubert.png",
                "optimal-data-hubert.png", "loss-vs-flops.png", "category-objective.png")) {
            Path p = sweep.resolve("plots").resolve(png);
            assertTrue(md.contains("](plots/" + png + ")"), "embedded with a relative link: " + png);
            assertPng(p);
        }
        assertTrue(w.plots().size() >= 8, "plots: " + w.plots());
    }

    @Test
    void writingTwiceGivesTheSameBytes() throws Exception {
        Path sweep = SweepFixture.write(tmp.resolve("twice"), ANALYSIS);
        byte[] first = Files.readAllBytes(StudyReport.write(sweep).report());
        byte[] second = Files.readAllBytes(StudyReport.write(sweep).report());
        assertArrayEquals(first, second);
    }

    @Test
    void theFitsRecoverTheLawTheSweepWasMadeFrom() throws Exception {
        Path sweep = SweepFixture.write(tmp.resolve("law"), ANALYSIS);
        SweepResults results = SweepResults.read(sweep);
        List<ScalingAnalysis.Family> families = ScalingAnalysis.analyse(results, AnalysisSpec.read(sweep));
        assertEquals(2, families.size());
        for (ScalingAnalysis.Family f : families) {
            assertEquals(3, f.profiles().size());
            for (IsoFlop.Profile p : f.profiles()) {
                assertTrue(p.interior(), p.note());
                assertEquals(SweepFixture.optimum(p.budget()), p.xStar(), 0.1);
            }
            PowerLaw law = f.sizeLaw();
            assertNotNull(law, f.sizeWhyNot());
            assertEquals(SweepFixture.A, law.exponent(), 0.15);
            double[] ai = law.exponentInterval();
            assertNotNull(ai, law.noInterval());
            assertTrue(ai[0] < SweepFixture.A && SweepFixture.A < ai[1], ai[0] + ".." + ai[1]);
            // D = C / (κN) exactly in the fixture, so the data law's exponent is 1 − a.
            assertEquals(1 - law.exponent(), f.dataLaw().exponent(), 1e-6);
        }
    }

    @Test
    void theFinalLossHasNoSeedsButFitsTheParametricLaw() throws Exception {
        Path sweep = SweepFixture.write(tmp.resolve("loss"), "analysis:\n  metric: final_loss\n  budget: budget.flops\n"
                + "  categories: []\n");
        String md = Files.readString(StudyReport.write(sweep).report());
        // One number per run: the profiles resample residuals, and the rule has one "seed" to go on.
        assertTrue(md.contains("final loss ↓"));
        assertTrue(md.contains("residuals of the fit resampled"), md);
        assertTrue(md.contains("**cannot tell**"), md);
        assertFalse(md.contains("## objective"), "no category section when categories is empty");
        assertTrue(md.contains("L = E + A/N^α + B/D^β fitted to the final loss of 31 runs"), md);
        // Both objectives share the loss law in the fixture, so one family recovers its exponents.
        AnalysisSpec spec = AnalysisSpec.read(sweep);
        ScalingAnalysis.Family f = ScalingAnalysis.analyse(SweepResults.read(sweep), spec).get(0);
        assertNotNull(f.parametric(), f.parametricWhyNot());
        assertEquals(SweepFixture.ALPHA, f.parametric().law().alpha(), 0.05);
        assertEquals(SweepFixture.BETA, f.parametric().law().beta(), 0.05);
    }

    @Test
    void aDataAxisGetsItsPlotAndSplitsTheFits() throws Exception {
        Path sweep = SweepFixture.write(tmp.resolve("data"), "analysis:\n  budget: budget.flops\n  data: encoder.scale\n"
                + "  categories: []\n");
        String md = Files.readString(StudyReport.write(sweep).report());
        assertTrue(md.contains("## score ↑ against encoder.scale"), md);
        assertPng(sweep.resolve("plots").resolve("data-encoder.scale.png"));
    }

    @Test
    void aNamedEntryIsACategoryEvenWhenItSetsNothing() throws Exception {
        // As in F2: 'aug' keeps the base recipe's augmentation (sets no key), 'noaug' sets augment: [].
        Path dir = Files.createDirectories(tmp.resolve("named"));
        StringBuilder lines = new StringBuilder();
        int i = 0;
        for (String variant : List.of("aug", "noaug")) {
            for (double hours : new double[]{0.1, 0.5, 1.0}) {
                double[] score = {10 + i % 3, 11 + i % 3, 12 + i % 3};
                com.fasterxml.jackson.databind.node.ObjectNode row = SweepFixture.row(variant + "-hours" + hours,
                        "hubert", 1, 1e13, 4e6, hours, score, new double[]{0.5, 0.5, 0.5});
                com.fasterxml.jackson.databind.node.ObjectNode o = row.putObject("overrides");
                o.put("data.train.hours", hours);
                com.fasterxml.jackson.databind.node.ObjectNode l = row.putObject("labels");
                l.put("variant", variant);
                if (variant.equals("noaug")) {
                    o.putArray("augment");
                    l.put("augment", "none");
                }
                l.put("data.train.hours", SweepFixture.fmt(hours));
                lines.append(dev.pretext.core.Json.COMPACT.writeValueAsString(row)).append('\n');
                i++;
            }
        }
        Files.writeString(dir.resolve("results.jsonl"), lines.toString());
        SweepResults results = SweepResults.read(dir);
        assertEquals(List.of("data.train.hours", "variant", "augment"), results.axes(), "in the order runs first use them");
        AnalysisSpec spec = AnalysisSpec.defaults();
        assertEquals(List.of("variant", "augment"), results.categories(spec),
                "a variant is a name, not a number: a category by default");
        Files.writeString(dir.resolve("sweep.yaml"), "name: named\nanalysis: {metric: score, data: data.train.hours, "
                + "categories: [variant]}\n");
        String md = Files.readString(StudyReport.write(dir).report());
        assertTrue(md.contains("| aug | 3 |") && md.contains("| noaug | 3 |"), md);
        assertTrue(md.contains("| aug | noaug | 3 |"), "the augment label follows the variant and does not split "
                + "the cells: " + md);
        assertTrue(md.contains("The finished runs have one value of `parameters`"), md);
        assertFalse(md.contains("### IsoFLOP profiles"), "no profile sections at one size");
        assertPng(dir.resolve("plots").resolve("category-variant.png"));
    }

    static void assertPng(Path p) throws Exception {
        assertTrue(Files.isRegularFile(p), "written: " + p);
        byte[] b = Files.readAllBytes(p);
        assertTrue(b.length > 1000, p + " has " + b.length + " bytes");
        assertTrue(b.length < 100_000, p + " is small: " + b.length + " bytes");
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, java.util.Arrays.copyOf(b, 8),
                "PNG signature of " + p);
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
