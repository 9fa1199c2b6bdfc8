package dev.pretext.integration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 11, item 8: libtorch's "Could not initialize NNPACK!" warning (one per convolution with a batch of one on
 * CPUs NNPACK does not support, hundreds while probing) does not reach the console; TORCH_CPP_LOG_LEVEL brings
 * libtorch's warnings back. Native output cannot be captured in-process, hence a child JVM.
 */
class NativeNoiseTest {
    @TempDir
    Path temp;

    private String run(String torchLogLevel) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dai.djl.offline=true", "-Dpretext.dist=" + Dist.root(),
                ConvolutionProbe.class.getName(), temp.resolve("plugins").toString(), temp.resolve("host.log").toString()))
                .redirectErrorStream(true).redirectOutput(temp.resolve("child.txt").toFile());
        pb.environment().remove("TORCH_CPP_LOG_LEVEL");
        if (torchLogLevel != null) {
            pb.environment().put("TORCH_CPP_LOG_LEVEL", torchLogLevel);
        }
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the child did not finish");
        String output = Files.readString(temp.resolve("child.txt"));
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("convolutions done: " + ConvolutionProbe.CONVOLUTIONS), output);
        return output;
    }

    private static long nnpackLines(String output) {
        return output.lines().filter(l -> l.contains("NNPACK")).count();
    }

    @Test
    void libtorchWarningsAreOffUnlessAskedFor() throws Exception {
        String asked = run("WARNING");
        assumeTrue(nnpackLines(asked) > 0, "NNPACK starts on this CPU: libtorch has nothing to warn about here");
        assertEquals(ConvolutionProbe.CONVOLUTIONS, nnpackLines(asked), "one warning per convolution:\n" + asked);

        String quiet = run(null);
        assertEquals(0, nnpackLines(quiet), quiet);
    }
}
