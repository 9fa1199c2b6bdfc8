package dev.pretext.api.probe;

import dev.pretext.api.data.Utterance;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProbeInputTest {
    private static ProbeExample example(String id, int layers, int dim) {
        return new ProbeExample(new Utterance(id, Path.of(id + ".wav"), 1, "s", null, null),
                new LayerStack(new float[layers * 3 * dim], layers, 3, dim));
    }

    @Test
    void everyRepresentationMustComeFromTheSameUpstream() {
        ProbeInput ok = new ProbeInput(List.of(example("a", 2, 4)), List.of(example("b", 2, 4)), 100, 1);
        assertEquals(2, ok.layers());
        assertEquals(4, ok.dim());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ProbeInput(List.of(example("a", 2, 4)), List.of(example("b", 3, 4)), 100, 1));
        assertEquals("utterance 'b' has 3 layers x 4 units but the first has 2 x 4: every utterance must come from "
                + "the same upstream", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ProbeInput(List.of(), List.of(example("b", 2, 4)), 100, 1));
    }
}
