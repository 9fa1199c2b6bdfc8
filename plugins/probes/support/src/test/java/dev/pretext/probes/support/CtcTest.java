package dev.pretext.probes.support;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against torch.nn.functional.ctc_loss (fixtures from src/test/python/make_ctc_fixtures.py). */
class CtcTest {
    private record Case(String name, int batch, int frames, int classes, float[] logits, int[] lengths,
                        int[][] targets, double[] losses, double[] grad) {
    }

    private static List<Case> cases() throws Exception {
        try (InputStream in = CtcTest.class.getResourceAsStream("/ctc/reference.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<Case> out = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                int batch = c.get("batch").asInt();
                float[] logits = new float[c.get("logits").size()];
                for (int i = 0; i < logits.length; i++) {
                    logits[i] = (float) c.get("logits").get(i).asDouble();
                }
                int[] lengths = new int[batch];
                int[][] targets = new int[batch][];
                double[] losses = new double[batch];
                for (int b = 0; b < batch; b++) {
                    lengths[b] = c.get("input_lengths").get(b).asInt();
                    JsonNode t = c.get("targets").get(b);
                    targets[b] = new int[t.size()];
                    for (int i = 0; i < t.size(); i++) {
                        targets[b][i] = t.get(i).asInt();
                    }
                    losses[b] = c.get("losses").get(b).asDouble();
                }
                double[] grad = new double[c.get("grad").size()];
                for (int i = 0; i < grad.length; i++) {
                    grad[i] = c.get("grad").get(i).asDouble();
                }
                out.add(new Case(c.get("name").asText(), batch, c.get("frames").asInt(), c.get("classes").asInt(),
                        logits, lengths, targets, losses, grad));
            }
            return out;
        }
    }

    @Test
    void lossesAndGradientsMatchPyTorchOnVariableLengthBatches() throws Exception {
        for (Case c : cases()) {
            Ctc.Result r = Ctc.lossAndGradient(c.logits(), c.batch(), c.frames(), c.classes(), c.lengths(),
                    c.targets(), 0);
            for (int b = 0; b < c.batch(); b++) {
                // The fixtures are float64; our input is their float32 rounding, hence 1e-4 relative.
                assertEquals(c.losses()[b], r.losses()[b], 1e-4 * Math.abs(c.losses()[b]), c.name() + " loss " + b);
            }
            double worst = 0;
            for (int i = 0; i < c.grad().length; i++) {
                worst = Math.max(worst, Math.abs(c.grad()[i] - r.gradient()[i]));
            }
            assertTrue(worst < 1e-4, c.name() + ": max gradient difference " + worst);
        }
    }

    @Test
    void theGraphLossCarriesTheValueAndTheExactGradient() throws Exception {
        Case c = cases().get(0);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = manager.create(c.logits(), new Shape(c.batch(), c.frames(), c.classes()));
            logits.setRequiresGradient(true);
            double expected = 0;
            for (double l : c.losses()) {
                expected += l;
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = Ctc.loss(logits, c.lengths(), c.targets(), 0);
                assertEquals(expected, loss.getFloat(), 1e-4 * expected);
                gc.backward(loss);
            }
            float[] grad = logits.getGradient().toFloatArray();
            double worst = 0;
            for (int i = 0; i < grad.length; i++) {
                worst = Math.max(worst, Math.abs(c.grad()[i] - grad[i]));
            }
            assertTrue(worst < 1e-4, "max gradient difference " + worst);
        }
    }

    @Test
    void anUnalignableTargetIsInfiniteAndContributesNoGradient() {
        // Two equal labels need three frames (a blank between them); two frames cannot hold them.
        float[] logits = new float[2 * 3];
        Ctc.Result r = Ctc.lossAndGradient(logits, 1, 2, 3, new int[]{2}, new int[][]{{1, 1}}, 0);
        assertEquals(Double.POSITIVE_INFINITY, r.losses()[0]);
        for (float g : r.gradient()) {
            assertEquals(0f, g);
        }
        assertFalse(Double.isFinite(Ctc.lossAndGradient(logits, 1, 2, 3, new int[]{2}, new int[][]{{1, 2, 1}}, 0)
                .losses()[0]));
        assertThrows(IllegalArgumentException.class,
                () -> Ctc.lossAndGradient(logits, 1, 2, 3, new int[]{2}, new int[][]{{0}}, 0));
        assertEquals(3, Ctc.minimumFrames(new int[]{1, 1}));
        assertEquals(3, Ctc.minimumFrames(new int[]{1, 2, 1}));
        assertEquals(0, Ctc.minimumFrames(new int[0]));
        // Exactly the minimum is feasible.
        float[] three = new float[3 * 3];
        assertTrue(Double.isFinite(Ctc.lossAndGradient(three, 1, 3, 3, new int[]{3}, new int[][]{{1, 1}}, 0)
                .losses()[0]));
    }

    @Test
    void anAlignmentThatUnderflowsInProbabilitySpaceFallsBackToLogSpace() {
        // One frame, target {1}: p(1) = e^-1000 / (2 + e^-1000), far below the smallest double.
        float[] logits = {0, -1000, 0};
        Ctc.Result r = Ctc.lossAndGradient(logits, 1, 1, 3, new int[]{1}, new int[][]{{1}}, 0);
        assertEquals(1000 + Math.log(2), r.losses()[0], 1e-9);
        assertEquals(0.5f, r.gradient()[0], 1e-6f);
        assertEquals(-1f, r.gradient()[1], 1e-6f);
        assertEquals(0.5f, r.gradient()[2], 1e-6f);
    }
}
