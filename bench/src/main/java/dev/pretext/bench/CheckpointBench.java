package dev.pretext.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import dev.pretext.core.train.AdamW;
import dev.pretext.core.train.Checkpoints;
import dev.pretext.core.train.TrainingState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench/run checkpoint [--params 14.2e6,114e6] [--rounds 4] [--dir DIR]}: the time {@code Checkpoints.save}
 * takes for a network of the given size (the parameters and AdamW's two moments, encoded, written, hashed,
 * renamed), in a warm JVM, round by round. Parameters are 1000 x 1000 linear layers (the last one smaller), so
 * the arrays are of the sizes a Transformer's are; the directory defaults to a temporary one on the same disk as
 * /tmp (runs usually live elsewhere: pass --dir to time that disk).
 */
final class CheckpointBench {
    private CheckpointBench() {
    }

    static void main(String[] args) throws Exception {
        List<Long> sizes = List.of(14_240_000L, 113_870_000L);
        int rounds = 4;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--params" -> {
                    List<Long> parsed = new ArrayList<>();
                    for (String p : args[++i].split(",")) {
                        parsed.add((long) Double.parseDouble(p));
                    }
                    sizes = parsed;
                }
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--params N,..., --rounds N, --dir DIR)");
            }
        }
        Path root = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("pretext-ckpt-bench-");
        System.out.println("| parameters | checkpoint | round | seconds |");
        System.out.println("|---|---|---|---|");
        for (long size : sizes) {
            try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
                Engine.getInstance().setRandomSeed(1);
                List<Parameter> params = new ArrayList<>();
                long left = size;
                while (left > 0) {
                    int units = (int) Math.min(1000, Math.max(1, left / 1000));
                    Linear layer = Linear.builder().setUnits(units).optBias(false).build();
                    layer.initialize(manager, DataType.FLOAT32, new Shape(1, 1000));
                    params.addAll(layer.getParameters().values());
                    left -= 1000L * units;
                }
                AdamW optimizer = new AdamW(params, manager, 0.9, 0.98, 1e-6, 0.01);
                Path where = root.resolve("n" + size);
                Checkpoints checkpoints = new Checkpoints(where, 2);
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    Path saved = checkpoints.save(new TrainingState(r + 1, 0, 0, rounds, 0, java.util.Map.of(), 0, 0,
                            0, 0), params, optimizer);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    long bytes;
                    try (var files = Files.list(saved)) {
                        bytes = files.mapToLong(f -> f.toFile().length()).sum();
                    }
                    System.out.printf(Locale.ROOT, "| %.2f M | %.0f MB | %d | %.2f |%n", size / 1e6, bytes / 1e6, r + 1,
                            seconds);
                }
                delete(where);
            }
        }
        if (dir == null) {
            delete(root);
        }
    }

    /** Deletes what this bench made (never more than the folder it created). */
    private static void delete(Path folder) throws java.io.IOException {
        try (var walk = Files.walk(folder)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
