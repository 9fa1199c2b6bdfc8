package dev.pretext.architectures.transformer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.model.FlopCount;

import java.util.Arrays;
import java.util.Locale;

/**
 * Not a test: times forward + backward (no optimiser) of one preset on random input, all frames real.
 * Run from the module with the test classpath, e.g.
 * {@code java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -cp ... StepTimeBenchmark slim 8 400 80 10}
 * (preset or {@code layers,dim,heads,ffn}, batch, frames, feature bins, timed steps).
 */
public final class StepTimeBenchmark {
    private StepTimeBenchmark() {
    }

    /** What plain matrix products reach right now: the machine is shared, so report it beside the step time. */
    private static double matmulGflops(NDManager manager) {
        try (NDManager scratch = manager.newSubManager()) {
            NDArray a = scratch.randomNormal(new Shape(1024, 1024));
            NDArray b = scratch.randomNormal(new Shape(1024, 1024));
            a.matMul(b).close();
            double[] rates = new double[5];
            for (int i = 0; i < rates.length; i++) {
                long start = System.nanoTime();
                for (int r = 0; r < 4; r++) {
                    a.matMul(b).close();
                }
                rates[i] = 4 * 2.0 * 1024 * 1024 * 1024 / ((System.nanoTime() - start) / 1e9) / 1e9;
            }
            Arrays.sort(rates);
            return rates[rates.length / 2];
        }
    }

    public static void main(String[] args) {
        String preset = args.length > 0 ? args[0] : "slim";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int frames = args.length > 2 ? Integer.parseInt(args[2]) : 400;
        int bins = args.length > 3 ? Integer.parseInt(args[3]) : 80;
        int steps = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        // a preset name, or layers,dim,heads,ffn
        String[] shape = preset.split(",");
        TransformerConfig config = shape.length == 4
                ? new TransformerConfig(null, Integer.parseInt(shape[0]), Integer.parseInt(shape[1]),
                Integer.parseInt(shape[2]), Integer.parseInt(shape[3]), null, null, null, null, null, null, null, null, null)
                : new TransformerConfig(preset, null, null, null, null, null, null, null, null, null, null, null, null, null);
        FeatureSpec spec = new FeatureSpec(bins, 100);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            TransformerEncoder encoder = new TransformerEncoder(config, spec);
            encoder.initialize(manager, spec);
            ParameterStore ps = new ParameterStore(manager, false);
            double[] millis = new double[steps];
            for (int i = -3; i < steps; i++) {
                try (NDManager step = manager.newSubManager()) {
                    NDArray features = step.randomNormal(new Shape(batch, frames, bins));
                    NDArray valid = step.ones(new Shape(batch, frames));
                    NDArray target = step.randomNormal(new Shape(batch, frames, config.dim()));
                    long start = System.nanoTime();
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = encoder.forward(ps, features, valid, true).last().sub(target).abs().mean();
                        collector.backward(loss);
                    }
                    if (i >= 0) {
                        millis[i] = (System.nanoTime() - start) / 1e6;
                    }
                }
            }
            System.out.println("  steps (ms): " + Arrays.toString(Arrays.stream(millis).map(Math::round).toArray()));
            Arrays.sort(millis);
            double matmulRate = matmulGflops(manager);
            FlopCount flops = encoder.flops(batch, frames);
            double training = 3 * flops.total();
            double median = millis[steps / 2];
            System.out.printf(Locale.ROOT, "%s: %d params, batch %d x %d x %d, threads %s%n", preset,
                    TransformerEncoder.parameterCount(config, bins), batch, frames, bins,
                    System.getProperty("ai.djl.pytorch.num_threads", "default"));
            System.out.printf(Locale.ROOT, "  forward+backward median %.1f ms (min %.1f, max %.1f) over %d steps%n",
                    median, millis[0], millis[steps - 1], steps);
            System.out.printf(Locale.ROOT, "  forward %.3f GFLOP, training (3x) %.3f GFLOP, %.1f GFLOP/s%n",
                    flops.total() / 1e9, training / 1e9, training / 1e9 / (median / 1e3));
            System.out.printf(Locale.ROOT, "  machine now: 1024^3 matmul %.1f GFLOP/s, load average %.2f%n", matmulRate,
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            flops.forward().forEach((k, v) -> System.out.printf(Locale.ROOT, "    %-28s %8.3f GFLOP%n", k, v / 1e9));
        }
    }
}
