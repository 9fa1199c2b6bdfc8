package dev.pretext.mklvendor;

import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** preload.sh, which ./pretext and bench/run source before they start Java. */
class PreloadScriptTest {
    private static String preloadAfterSourcing(Map<String, String> env, int times) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c",
                "set -euo pipefail; for i in $(seq " + times + "); do . ./preload.sh; done; printf %s \"${LD_PRELOAD-unset}\"");
        pb.environment().remove("LD_PRELOAD");
        pb.environment().remove(CpuRule.SWITCH);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        assertEquals("", err);
        return out;
    }

    @Test
    void preloadsTheLibraryOnce() throws Exception {
        assertEquals(CpuRule.LIBRARY.toString(), preloadAfterSourcing(Map.of(), 2));
    }

    @Test
    void keepsWhatWasPreloadedBefore(@TempDir Path dir) throws Exception {
        // a library that exists, or ld.so complains in every process the script starts
        Path other = Files.copy(CpuRule.LIBRARY, dir.resolve("other.so"));
        assertEquals(CpuRule.LIBRARY + ":" + other, preloadAfterSourcing(Map.of("LD_PRELOAD", other.toString()), 1));
    }

    @Test
    void theSwitchLeavesLdPreloadAlone() throws Exception {
        for (String off : List.of("0", "false", "off", "no")) {
            assertEquals("unset", preloadAfterSourcing(Map.of(CpuRule.SWITCH, off), 1), off);
        }
        assertEquals(CpuRule.LIBRARY.toString(),
                preloadAfterSourcing(Map.of(CpuRule.SWITCH, "0", "LD_PRELOAD", CpuRule.LIBRARY.toString()), 1));
    }

    @Test
    void anyOtherValueLeavesItOn() throws Exception {
        assertEquals(CpuRule.LIBRARY.toString(), preloadAfterSourcing(Map.of(CpuRule.SWITCH, "1"), 1));
    }
}
