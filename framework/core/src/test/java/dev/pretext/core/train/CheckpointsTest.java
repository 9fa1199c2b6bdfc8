package dev.pretext.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import dev.pretext.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointsTest {
    @TempDir
    Path dir;

    private static List<Parameter> model(NDManager manager, int seed) {
        Linear linear = Linear.builder().setUnits(3).build();
        Engine.getInstance().setRandomSeed(seed);
        linear.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
        return new ArrayList<>(linear.getParameters().values());
    }

    @Test
    void roundTripsParametersOptimizerAndStateAndKeepsTheNewest() {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<Parameter> a = model(manager, 1);
            AdamW optA = new AdamW(a, manager, 0.9, 0.99, 1e-8, 0);
            for (Parameter p : a) {
                p.getArray().getGradient().addi(1f);
            }
            optA.update(0.01, 1);
            Checkpoints ckpt = new Checkpoints(dir, 2);
            TrainingState state = new TrainingState(1, 0, 5, 100, 1.5e9, Map.of("encoder.ffn", 1.5e9), 12, 14, 3, 1.04);
            for (int step = 1; step <= 3; step++) {
                ckpt.save(new TrainingState(step, 0, 5, 100, 1.5e9, Map.of("encoder.ffn", 1.5e9), 12, 14, 3, 1.04), a, optA);
            }
            assertEquals(dir.resolve("step-00000003"), ckpt.latest().orElseThrow());
            assertTrue(!Files.exists(dir.resolve("step-00000001")), "only the newest two are kept");

            List<Parameter> b = model(manager, 2);
            AdamW optB = new AdamW(b, manager, 0.9, 0.99, 1e-8, 0);
            TrainingState loaded = ckpt.load(ckpt.latest().orElseThrow(), b, optB, manager);
            assertEquals(3, loaded.step());
            assertEquals(state.flopsByComponent(), loaded.flopsByComponent());
            assertEquals(1.04, loaded.stepToEncoderFlops(), "the budget check after a resume predicts as before");
            assertEquals(1, optB.step());
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.get(i).getArray().toFloatArray(), b.get(i).getArray().toFloatArray());
                assertArrayEquals(optA.state().get(i).toFloatArray(), optB.state().get(i).toFloatArray());
            }
        }
    }

    @Test
    void aDamagedCheckpointIsAClearErrorNotACrash() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<Parameter> a = model(manager, 1);
            AdamW opt = new AdamW(a, manager, 0.9, 0.99, 1e-8, 0);
            Checkpoints ckpt = new Checkpoints(dir, 2);
            Path saved = ckpt.save(TrainingState.start(), a, opt);
            byte[] bytes = Files.readAllBytes(saved.resolve(Checkpoints.MODEL));
            Files.write(saved.resolve(Checkpoints.MODEL), java.util.Arrays.copyOf(bytes, bytes.length / 2));
            UserError e = assertThrows(UserError.class, () -> ckpt.load(saved, a, opt, manager));
            assertTrue(e.getMessage().contains("model.ndlist") && e.getMessage().contains("delete that folder"),
                    e.getMessage());

            List<Parameter> other = new ArrayList<>(a.subList(0, 1));
            Path fine = ckpt.save(new TrainingState(1, 0, 0, 1, 0, Map.of(), 0, 0, 0, 1.0), a, opt);
            UserError shape = assertThrows(UserError.class,
                    () -> ckpt.load(fine, other, new AdamW(other, manager, 0.9, 0.99, 1e-8, 0), manager));
            assertTrue(shape.getMessage().contains("parameter arrays"), shape.getMessage());
        }
    }
}
