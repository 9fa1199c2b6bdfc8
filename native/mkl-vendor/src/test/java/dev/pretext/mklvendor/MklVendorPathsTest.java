package dev.pretext.mklvendor;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same matrix products and training steps in child JVMs on both paths: without the preload (libtorch as
 * shipped), with it, and with it but switched off. Each path must be deterministic, the switched-off path must be
 * the default path bit for bit, and the fast path must agree with the default within float tolerance.
 */
class MklVendorPathsTest {
    @TempDir
    static Path dir;
    static Map<String, float[]> plain;
    static Map<String, float[]> fast;
    static Map<String, float[]> fastAgain;
    static Map<String, float[]> off;

    @BeforeAll
    static void runChildren() throws Exception {
        plain = child("plain", null, null);
        fast = child("fast", CpuRule.LIBRARY.toString(), null);
        fastAgain = child("fast-again", CpuRule.LIBRARY.toString(), null);
        off = child("off", CpuRule.LIBRARY.toString(), "0");
    }

    private static Map<String, float[]> child(String name, String preload, String switchValue) throws Exception {
        Path out = dir.resolve(name + ".bin");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_interop_threads=1",
                "-cp", System.getProperty("java.class.path"), Probe.class.getName(), out.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("LD_PRELOAD");
        env.remove(CpuRule.SWITCH);
        if (preload != null) {
            env.put("LD_PRELOAD", preload);
        }
        if (switchValue != null) {
            env.put(CpuRule.SWITCH, switchValue);
        }
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), name + " child failed:\n" + log);
        return Probe.read(out);
    }

    @Test
    void theChildrenRanOnThePathsIntended() throws IOException {
        CpuRule cpu = CpuRule.read();
        assertEquals(cpu.expectedAnswer(null), fast.get(Probe.ANSWER)[0], "fast path");
        assertEquals(cpu.expectedAnswer("0"), off.get(Probe.ANSWER)[0], "switched off");
        // libtorch loads its own copy locally, so without the preload no process-wide definition is visible
        assertEquals(-1f, plain.get(Probe.ANSWER)[0], "plain");
    }

    @Test
    void eachPathIsDeterministic() {
        for (String key : plain.keySet()) {
            assertArrayEquals(fast.get(key), fastAgain.get(key), key + ": fast path, two runs");
        }
    }

    @Test
    void switchedOffIsTheDefaultPathBitForBit() {
        for (String key : plain.keySet()) {
            if (!key.equals(Probe.ANSWER)) {
                assertArrayEquals(plain.get(key), off.get(key), key);
            }
        }
    }

    private static int differing(float[] a, float[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += Float.compare(a[i], b[i]) != 0 ? 1 : 0;
        }
        return n;
    }

    /** Different kernels sum in another order: fp32 rounding differences only. */
    @Test
    void fastPathComputesTheSameNumbersWithinFloatTolerance() {
        for (String key : plain.keySet()) {
            if (key.equals(Probe.ANSWER)) {
                continue;
            }
            float[] a = plain.get(key);
            float[] b = fast.get(key);
            assertEquals(a.length, b.length, key);
            double scale = 0;
            double worst = 0;
            for (int i = 0; i < a.length; i++) {
                assertTrue(Float.isFinite(b[i]), key + " [" + i + "] = " + b[i]);
                scale = Math.max(scale, Math.abs(a[i]));
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
            }
            System.out.printf("%s: %d of %d values differ between the paths; largest difference %.3g of values up"
                    + " to %.3g%n", key, differing(a, b), a.length, worst, scale);
            // the largest difference, relative to the largest value: about 1e-7 for a product, a bit more after
            // three optimiser steps
            assertTrue(worst <= 1e-5 * scale, key + ": largest difference " + worst + " of values up to " + scale);
        }
    }
}
