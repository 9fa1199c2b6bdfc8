package dev.pretext.mklvendor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The library's rule restated from what Linux reports in /proc/cpuinfo, independently of the cpuid the C code
 * reads: the tests compare the two.
 */
record CpuRule(String vendor, Set<String> flags) {
    static final Path LIBRARY = Path.of("libpretext-mkl-vendor.so").toAbsolutePath();
    static final String SWITCH = "PRETEXT_MKL_VENDOR_FIX";

    static CpuRule read() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
        return new CpuRule(field(lines, "vendor_id"), Set.of(field(lines, "flags").split("\\s+")));
    }

    private static String field(List<String> lines, String name) {
        return lines.stream().filter(l -> l.startsWith(name)).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("");
    }

    boolean intel() {
        return vendor.equals("GenuineIntel");
    }

    /** Where the fix changes MKL's answer: AMD with what MKL's Intel kernels need at the least. */
    boolean fixApplies() {
        return vendor.equals("AuthenticAMD") && flags.containsAll(Set.of("avx", "avx2", "fma"));
    }

    /** What mkl_serv_intel_cpu_true should return, preloaded, with the switch at {@code switchValue} (null: unset). */
    int expectedAnswer(String switchValue) {
        boolean off = switchValue != null && Set.of("0", "false", "off", "no").contains(switchValue);
        return intel() || (!off && fixApplies()) ? 1 : 0;
    }
}
