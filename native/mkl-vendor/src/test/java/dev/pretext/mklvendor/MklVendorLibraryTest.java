package dev.pretext.mklvendor;

import ai.djl.engine.Engine;
import com.sun.jna.NativeLibrary;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The committed library, its source, and the libtorch it is meant for. */
class MklVendorLibraryTest {
    private static final String SYMBOL = "mkl_serv_intel_cpu_true";

    @Test
    void committedLibraryDefinesOnlyTheOneFunctionAndNeedsOnlyAnOldGlibc() throws IOException {
        Elf elf = Elf.read(CpuRule.LIBRARY);
        assertEquals(Elf.X86_64, elf.machine());
        assertEquals(List.of(SYMBOL), elf.exported());
        assertEquals(List.of("getenv"), elf.required());
        // Anything newer than glibc 2.17 (the oldest libtorch 2.x loads with) would make ld.so refuse the preload.
        assertTrue(elf.neededVersions().stream().allMatch(v -> glibcAtMost(v, 2, 17)), elf.neededVersions()::toString);
    }

    private static boolean glibcAtMost(String version, int major, int minor) {
        Matcher m = Pattern.compile("GLIBC_(\\d+)\\.(\\d+)(\\.\\d+)?").matcher(version);
        if (!m.matches()) {
            return false;
        }
        int a = Integer.parseInt(m.group(1));
        int b = Integer.parseInt(m.group(2));
        return a < major || (a == major && b <= minor);
    }

    /** Byte for byte with the compiler it was built with; with another compiler, the same interface. */
    @Test
    void committedLibraryIsWhatTheSourceBuilds() throws Exception {
        String compiler = run(List.of("sh", "-c", "command -v cc >/dev/null && cc --version | head -1"));
        assumeTrue(!compiler.isBlank(), "no C compiler (cc) on this machine");
        Path built = Files.createTempFile("mkl-vendor-", ".so");
        try {
            run(List.of("./build", built.toString()));
            if (compiler.strip().equals(Files.readString(Path.of("compiler.txt")).strip())) {
                assertArrayEquals(Files.readAllBytes(CpuRule.LIBRARY), Files.readAllBytes(built),
                        "rebuild libpretext-mkl-vendor.so with ./build and commit it");
            } else {
                Elf a = Elf.read(CpuRule.LIBRARY);
                Elf b = Elf.read(built);
                assertEquals(a.exported(), b.exported());
                assertEquals(a.required(), b.required());
            }
        } finally {
            Files.deleteIfExists(built);
        }
    }

    /**
     * The fix works only while libtorch exports the function and calls it through its PLT (a call within the
     * library would not see the preloaded definition): a libtorch upgrade that changes either fails here.
     */
    @Test
    void libtorchExportsTheFunctionAndCallsItThroughItsPlt() throws IOException {
        Engine.getEngine("PyTorch");
        Path libtorch = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(l -> l.endsWith("/libtorch_cpu.so")).map(l -> Path.of(l.substring(l.indexOf('/'))))
                .findFirst().orElseThrow(() -> new AssertionError("libtorch_cpu.so is not mapped"));
        Elf elf = Elf.read(libtorch);
        assertTrue(elf.exported().contains(SYMBOL), "libtorch no longer exports " + SYMBOL);
        assertTrue(elf.jumpSlots().contains(SYMBOL), "libtorch no longer calls " + SYMBOL + " through its PLT");
    }

    /** The C code's cpuid reading agrees with what Linux reports, with the switch as this JVM has it. */
    @Test
    void answersAsTheRuleSays() throws IOException {
        int answer = NativeLibrary.getInstance(CpuRule.LIBRARY.toString()).getFunction(SYMBOL).invokeInt(new Object[0]);
        assertEquals(CpuRule.read().expectedAnswer(System.getenv(CpuRule.SWITCH)), answer);
    }

    /** The test JVMs run on the path users get: the build preloads the library (see the root pom). */
    @Test
    void theBuildPreloadsTheLibraryIntoTestJvms() throws IOException {
        String preload = System.getenv("LD_PRELOAD");
        assertTrue(preload != null && List.of(preload.split("[: ]")).contains(CpuRule.LIBRARY.toString()),
                "LD_PRELOAD is " + preload);
        assertTrue(Files.readString(Path.of("/proc/self/maps")).contains(CpuRule.LIBRARY.toString()));
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc != 0 && !command.get(0).equals("sh")) {
            throw new IOException(String.join(" ", command) + " exited with " + rc + ": " + out);
        }
        return out;
    }
}
