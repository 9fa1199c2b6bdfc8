package dev.pretext.integration;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.training.ParameterStore;
import dev.pretext.launcher.Host;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link NativeNoiseTest}: boots the host, then runs convolutions with a batch of one, the
 * shape that makes libtorch ask NNPACK (probes run single utterances), and says how many it ran.
 */
public final class ConvolutionProbe {
    static final int CONVOLUTIONS = 3;

    private ConvolutionProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path plugins = Files.createDirectories(Path.of(args[0]));
        try (Host host = Host.start(Dist.system(), plugins, Path.of(args[1]));
             NDManager manager = NDManager.newBaseManager()) {
            Conv1d conv = Conv1d.builder().setKernelShape(new Shape(3)).setFilters(8).build();
            conv.initialize(manager, DataType.FLOAT32, new Shape(1, 4, 50));
            ParameterStore parameters = new ParameterStore(manager, false);
            for (int i = 0; i < CONVOLUTIONS; i++) {
                var x = manager.randomNormal(new Shape(1, 4, 50));
                conv.forward(parameters, new NDList(x), false).singletonOrThrow().sum().getFloat();
            }
            System.out.println("convolutions done: " + CONVOLUTIONS);
        }
    }
}
