package dev.pretext.core.plan;

import dev.pretext.core.recipe.LoadedRecipe;
import dev.pretext.core.recipe.LocatedYaml;
import dev.pretext.core.recipe.RecipeError;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryPlanTest {
    private static final Path FILE = Path.of("r.yaml");
    private static final String RECIPE = """
            name: demo
            budget: {steps: 10}
            data:
              train: {type: tts}
            frontend: fbank
            encoder: {type: transformer, preset: base}
            objective: mam
            batch: {seconds: 80, max_utterance_seconds: 15}
            """;
    private static final LocatedYaml SOURCE = LocatedYaml.read(FILE, RECIPE);
    private static final long GB = 1_000_000_000L;

    /**
     * The base Transformer (12 x 768, ffn 3072, 12 heads, 94.4 M parameters) on full batches of {@code seconds}
     * of fbank at 100 Hz, every utterance {@code longest} seconds long.
     */
    private static MemoryPlan.Shape base(double seconds, double longest) {
        return new MemoryPlan.Shape(seconds * 100, 80, seconds * 100, seconds * 100 * longest * 100, longest * 100,
                12, 768, 3072, 12, false, 94_400_000L, 0, 7);
    }

    @Test
    void theEstimateAddsParametersActivationsAttentionAndBatches() {
        MemoryPlan.Estimate e = MemoryPlan.estimate(base(80, 15));
        assertEquals(16.0 * 94_400_000, e.parameterBytes(), 1, "weights, gradients, two AdamW moments");
        assertEquals(4.0 * 12 * (12 * 768 + 2 * 3072) * 8000, e.activationBytes(), 1);
        assertEquals(4.0 * 12 * 8000 * 1500 * (4 * 12 + 3), e.attentionBytes(), 1,
                "B x T^2 per head, four arrays a layer kept and three while it runs backwards");
        assertEquals(4.0 * 8000 * 81 * 7, e.batchBytes(), 1);
        assertTrue(e.total() > 36 * GB && e.total() < 38 * GB, "about 37 GB: " + e.total());

        MemoryPlan.Shape teacher = new MemoryPlan.Shape(8000, 80, 8000, 8000 * 1500, 1500, 12, 768, 3072, 12, false,
                94_400_000L, 94_000_000L, 7);
        assertEquals(e.parameterBytes() + 4.0 * 94_000_000, MemoryPlan.estimate(teacher).parameterBytes(), 1);
        MemoryPlan.Shape dropout = new MemoryPlan.Shape(8000, 80, 8000, 8000 * 1500, 1500, 12, 768, 3072, 12, true,
                94_400_000L, 0, 7);
        assertEquals(4.0 * 12 * (16 * 768 + 2 * 3072) * 8000, MemoryPlan.estimate(dropout).activationBytes(), 1);
        assertEquals(4.0 * 12 * 8000 * 1500 * (6 * 12 + 3), MemoryPlan.estimate(dropout).attentionBytes(), 1);
    }

    @Test
    void whatFitsPasses() {
        assertDoesNotThrow(() -> MemoryPlan.check(SOURCE, base(80, 15), 40 * GB));
        assertThrows(RecipeError.class, () -> MemoryPlan.check(SOURCE, base(80, 15), 23 * GB),
                "15 s utterances throughout do not fit in 23 GB");
        assertDoesNotThrow(() -> MemoryPlan.check(SOURCE, base(80, 15).withoutAttention(), 23 * GB),
                "what fits whatever the lengths");
        assertDoesNotThrow(() -> MemoryPlan.check(SOURCE, base(1e12, 15), 0), "an unknown limit checks nothing");
    }

    @Test
    void aHugeBatchIsRefusedAtBatchSecondsWithTheNumbers() {
        RecipeError e = assertThrows(RecipeError.class, () -> MemoryPlan.check(SOURCE, base(1e12, 15), 23 * GB));
        assertEquals("batch.seconds", e.key());
        assertEquals(8, e.line());
        assertTrue(e.getMessage().startsWith("r.yaml:8: batch.seconds: a training step needs about "), e.getMessage());
        assertTrue(e.getMessage().contains("more than this machine's 23.0 GB"), e.getMessage());
        assertTrue(e.getMessage().contains("activations of 1.00e+14 frames per batch"), e.getMessage());
        assertTrue(e.getMessage().contains("lower batch.seconds"), e.getMessage());

        // Attention grows with the longest utterance: 80 s batches of 15-minute utterances do not fit either.
        RecipeError longest = assertThrows(RecipeError.class,
                () -> MemoryPlan.check(SOURCE, base(900, 900), 23 * GB));
        assertTrue(longest.getMessage().contains("utterances up to 90000 frames"), longest.getMessage());
    }

    @Test
    void aHugeEncoderIsRefusedAtTheEncoder() {
        MemoryPlan.Shape wide = new MemoryPlan.Shape(4000, 80, 4000, 4000 * 800, 800, 1, 100_000, 100_000, 4, false,
                60_000_000_000L, 0, 7);
        RecipeError e = assertThrows(RecipeError.class, () -> MemoryPlan.check(SOURCE, wide, 23 * GB));
        assertEquals("encoder", e.key());
        assertEquals(6, e.line());
        assertTrue(e.getMessage().contains("needs about 983 GB of memory, more than this machine's 23.0 GB"),
                e.getMessage());
        assertTrue(e.getMessage().contains("parameters, gradients and AdamW state 960 GB"), e.getMessage());
        assertTrue(e.getMessage().contains("make the encoder smaller"), e.getMessage());
        assertFalse(e.getMessage().contains("\tat "), e.getMessage());
    }

    @Test
    void aCheckpointThatCannotBeEncodedInTheHeapIsRefused() {
        MemoryPlan.Shape big = new MemoryPlan.Shape(8000, 80, 8000, 8000 * 1500, 1500, 24, 2048, 8192, 16, false,
                1_200_000_000L, 0, 7);
        assertEquals(28.0 * 1_200_000_000L, MemoryPlan.checkpointHeapBytes(big), 1);
        assertDoesNotThrow(() -> MemoryPlan.check(SOURCE, big, 1000 * GB, 40 * GB));
        RecipeError e = assertThrows(RecipeError.class, () -> MemoryPlan.check(SOURCE, big, 1000 * GB, 6 * GB));
        assertEquals("encoder", e.key());
        assertTrue(e.getMessage().contains("writing a checkpoint needs about 33.6 GB of Java heap"), e.getMessage());
        assertTrue(e.getMessage().contains("more than the 6.0 GB this JVM may use"), e.getMessage());
        assertTrue(e.getMessage().contains("PRETEXT_JAVA_OPTS=-Xmx"), e.getMessage());
        assertDoesNotThrow(() -> MemoryPlan.check(SOURCE, base(80, 15), 40 * GB, 6 * GB), "base fits in 6 GB");
    }

    @Test
    void thisMachinesMemoryIsKnown() {
        assertTrue(MemoryPlan.machineMemory() > 100_000_000L, "physical memory: " + MemoryPlan.machineMemory());
    }

    @Test
    void loaderThreadsAndPrefetchAreBounded() {
        RecipeError e = assertThrows(RecipeError.class, () -> LoadedRecipe.parse(FILE,
                RECIPE.replace("max_utterance_seconds: 15}", "max_utterance_seconds: 15, loader_threads: 100000, "
                        + "prefetch: 2147483647}")));
        assertEquals(8, e.line());
        assertTrue(e.getMessage().contains("loader_threads is 100000 and prefetch 2147483647; at most 64 and 64"),
                e.getMessage());
        assertDoesNotThrow(() -> LoadedRecipe.parse(FILE, RECIPE.replace("max_utterance_seconds: 15}",
                "max_utterance_seconds: 15, loader_threads: 64, prefetch: 64}")));
    }
}
