package dev.pretext.integration;

import dev.pretext.launcher.Host;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 12, item 5: commands that make no tensors start without libtorch (most of their start-up), commands that
 * do have it loaded when the host is up, and ./pretext keeps the native settings and the full JIT for commands that
 * train. Whether libtorch is loaded is read from the process's memory map, in a fresh JVM per command (the test
 * JVM has it loaded by other tests).
 */
class StartupTest {
    @TempDir
    Path temp;

    @BeforeAll
    static void linux() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "needs /proc/self/maps");
    }

    private String child(String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dai.djl.offline=true", "-Dpretext.dist=" + Dist.root(), StartupChild.class.getName()));
        cmd.addAll(List.of(args));
        Path out = temp.resolve("child-" + System.nanoTime() + ".txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the child did not finish");
        String output = Files.readString(out);
        assertEquals(0, p.exitValue(), output);
        return output;
    }

    @Test
    void pluginsDoesNotLoadLibtorch() throws Exception {
        String out = child("cli", "--cache", temp.resolve("cache").toString(), "plugins");
        assertTrue(out.contains("transformer"), out);
        assertTrue(out.contains("exit 0, libtorch loaded: false"), out);
    }

    @Test
    void recipeCheckDoesNotLoadLibtorch() throws Exception {
        Path recipe = Path.of("../recipes/quickstart.yaml").toAbsolutePath();
        String out = child("cli", "--cache", temp.resolve("cache").toString(), "recipe", "check", recipe.toString());
        assertTrue(out.contains("quickstart.yaml: ok"), out);
        assertTrue(out.contains("exit 0, libtorch loaded: false"), out);
    }

    @Test
    void aHostForTensorsHasLibtorchLoaded() throws Exception {
        Path plugins = Dist.stagePlugins(temp.resolve("plugins"));
        String out = child("host", plugins.toString(), temp.resolve("host.log").toString());
        assertTrue(out.contains("exit 0, libtorch loaded: true"), out);
    }

    @Test
    void theCheckSeesLibtorchInThisJvmOnceLoaded() {
        ai.djl.engine.Engine.getInstance();
        assertTrue(Host.libtorchLoaded());
    }

    private static String script(String... args) throws Exception {
        Path pretext = Path.of("../pretext").toAbsolutePath().normalize();
        List<String> cmd = new ArrayList<>(List.of("bash", pretext.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PRETEXT_PRINT_JAVA", "1");
        pb.environment().remove("GLIBC_TUNABLES");
        pb.environment().remove("LD_PRELOAD");
        pb.environment().remove("PRETEXT_MKL_VENDOR_FIX");
        pb.environment().remove("PRETEXT_JAVA_OPTS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void theScriptKeepsTheFullJitAndNativeSettingsForCommandsThatTrain() throws Exception {
        for (String[] args : List.of(new String[]{"train", "r.yaml"}, new String[]{"--plugins", "plugins", "train"},
                new String[]{"sweep", "s.yaml"}, new String[]{"serve"}, new String[]{"probe", "runs/x"},
                new String[]{"quickstart"}, new String[]{"corpus", "synth"})) {
            String out = script(args);
            assertFalse(out.contains("TieredStopAtLevel"), String.join(" ", args) + ":\n" + out);
            assertTrue(out.contains("GLIBC_TUNABLES=glibc.malloc.hugetlb=1"), out);
            assertTrue(out.contains("OMP_WAIT_POLICY=PASSIVE"), out);
            if (System.getProperty("os.arch").equals("amd64") && System.getProperty("os.name").equals("Linux")) {
                assertTrue(out.contains("libpretext-mkl-vendor.so"), out);
            }
        }
    }

    @Test
    void theScriptRunsShortCommandsOnTheFirstJitTier() throws Exception {
        for (String[] args : List.of(new String[]{"plugins"}, new String[]{"--cache", "/tmp/x", "plugins"},
                new String[]{"--plugins=p", "recipe", "check", "r.yaml"}, new String[]{"--help"}, new String[]{})) {
            String out = script(args);
            assertTrue(out.contains("-XX:TieredStopAtLevel=1"), String.join(" ", args) + ":\n" + out);
        }
    }
}
