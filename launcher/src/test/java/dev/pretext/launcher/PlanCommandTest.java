package dev.pretext.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `pretext plan` in-process, on a sweep written by the test from the law N* = 10^-0.2 · C^0.5. */
class PlanCommandTest {
    @TempDir
    Path tmp;

    /** Three budgets x five scales, three probe seeds; parameters = 4e6 · scale^1.5. */
    private Path sweep() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("sweeps").resolve("scaling"));
        Random rng = new Random(5);
        List<String> lines = new ArrayList<>();
        for (double c : new double[]{1e13, 3e13, 1e14}) {
            for (double scale : new double[]{0.25, 0.5, 1, 2, 4}) {
                double n = Math.round(4e6 * Math.pow(scale, 1.5));
                double best = -0.2 + 0.5 * Math.log10(c);
                double truth = 20 - 10 * Math.pow(Math.log10(n) - best, 2);
                double[] v = {truth + 0.3 * rng.nextGaussian(), truth + 0.3 * rng.nextGaussian(),
                        truth + 0.3 * rng.nextGaussian()};
                lines.add(String.format(Locale.ROOT, "{\"run\":\"s%s-c%s\",\"status\":\"finished\",\"reason\":null,"
                        + "\"overrides\":{\"encoder.scale\":%s,\"budget.flops\":%s},\"parameters\":%.0f,"
                        + "\"flops_budget\":%s,\"flops\":%s,\"hours_seen\":%s,\"probe_seeds\":[1,2,3],"
                        + "\"score\":{\"mean\":%s,\"std\":0.3,\"values\":[%s,%s,%s]}}", scale, c, scale, c, n, c, c,
                        c / (1e6 * n), (v[0] + v[1] + v[2]) / 3, v[0], v[1], v[2]));
            }
        }
        Files.write(dir.resolve("results.jsonl"), lines);
        return dir;
    }

    private static String[] run(int expect, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        assertEquals(expect, code, "exit code; stdout: " + out + "; stderr: " + err);
        return new String[]{out.toString(), err.toString()};
    }

    @Test
    void printsARecommendationWithItsInterval() throws Exception {
        Path dir = sweep();
        String[] r = run(0, "plan", "--flops", "1e15", "--from-sweep", dir.toString());
        String out = r[0];
        assertTrue(out.startsWith("Plan for C = 1e15 FLOPs from sweep scaling (metric score ↑)"), out);
        // N* = 10^(-0.2 + 7.5) = 20M; encoder.scale = (20M / 4M)^(2/3) = 2.92.
        assertTrue(out.matches("(?s).*parameters +(19|2[01])(\\.\\d)?M +\\(5–95%: [0-9.]+M – [0-9.]+M\\).*"), out);
        assertTrue(out.matches("(?s).*encoder\\.scale +2\\.[89]\\d? .*"), out);
        assertTrue(out.contains("over 3 budgets (1e13, 3e13, 1e14) and 15 runs"), out);
        assertFalse(out.contains("warning"), "1e15 is 10x the largest budget, not more");
        assertEquals("", r[1]);

        String far = run(0, "plan", "--flops", "1e17", "--from-sweep", dir.toString())[0];
        assertTrue(far.contains("warning: C = 1e17 is 1000x the largest budget of the sweep (1e14)"), far);
    }

    @Test
    void jsonCarriesTheSameNumbers() throws Exception {
        Path dir = sweep();
        String json = run(0, "plan", "--flops", "1e15", "--from-sweep", dir.toString(), "--json")[0];
        var node = dev.pretext.core.Json.MAPPER.readTree(json);
        assertEquals(1e15, node.get("flops").asDouble());
        var rec = node.get("recommendations").get(0);
        double n = rec.get("parameters").asDouble();
        assertTrue(n > 1.6e7 && n < 2.5e7, "N* near 20M: " + n);
        assertTrue(rec.get("parameters_interval").get(0).asDouble() < n && n < rec.get("parameters_interval").get(1)
                .asDouble());
        assertEquals(3, rec.get("budgets").size());
    }

    @Test
    void anEmptyFolderIsAOneLineUserError() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        String[] r = run(Main.USER_ERROR, "plan", "--flops", "1e15", "--from-sweep", empty.toString());
        String err = r[1].strip();
        assertTrue(err.startsWith("pretext: " + empty + " has no results.jsonl; run the sweep first"), err);
        assertEquals(1, err.lines().count(), "one line, no stack trace: " + err);
        assertEquals("", r[0]);
    }
}
