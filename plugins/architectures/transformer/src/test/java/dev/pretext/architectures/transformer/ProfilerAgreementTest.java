package dev.pretext.architectures.transformer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The FLOPs count against an independent one: PyTorch's profiler (with_flops) on a PyTorch model written to
 * mirror this encoder, the same shapes, one forward pass (bench/peer/make_flops_fixtures.py wrote the fixture).
 * The profiler counts matrix products and a few elementwise ops but not norms, softmax or GELU (pretext
 * estimates those with per-element constants, 1-2% of a step at these sizes): everything else must agree within
 * 2%, the attention products exactly, and the Linear layers (pretext also counts their bias adds) within 1%.
 */
class ProfilerAgreementTest {

    @Test
    void agreesWithThePyTorchProfilerOnEveryRecordedShape() throws Exception {
        JsonNode fixture;
        try (InputStream in = getClass().getResourceAsStream("/flops/profiler.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
        int checked = 0;
        for (JsonNode s : fixture.get("shapes")) {
            JsonNode shape = s.get("shape");
            TransformerConfig config = TransformerConfig.shape(shape.get("layers").asInt(), shape.get("dim").asInt(),
                    shape.get("heads").asInt(), shape.get("ffn").asInt());
            Map<String, Double> ours = TransformerEncoder.flops(config, shape.get("features").asInt(),
                    shape.get("batch").asInt(), shape.get("frames").asInt()).forward();
            String where = s.get("name").asText() + " " + shape;

            double total = ours.values().stream().mapToDouble(Double::doubleValue).sum();
            double uncounted = ours.get("encoder.norm") + ours.get("encoder.softmax") + ours.get("encoder.activation");
            double countable = total - uncounted;
            double theirs = s.get("total_flops").asDouble();
            assertEquals(1.0, countable / theirs, 0.02, where + ": ours " + countable + ", profiler " + theirs);
            assertTrue(uncounted / total < 0.03, where + ": norms, softmax and GELU are " + uncounted / total);

            double attention = ours.get("encoder.attention.scores") + ours.get("encoder.attention.values");
            assertEquals(s.at("/by_op/aten::bmm/flops").asDouble(), attention, 1e-9 * attention, where);

            double linear = ours.get("encoder.input_projection") + ours.get("encoder.attention.qkv")
                    + ours.get("encoder.attention.output") + ours.get("encoder.ffn");
            double addmm = s.at("/by_op/aten::addmm/flops").asDouble();
            assertTrue(linear >= addmm, where + ": the Linear layers count less than the profiler's matmuls");
            assertEquals(1.0, linear / addmm, 0.01, where);
            checked++;
        }
        assertTrue(checked >= 6, "the fixture holds " + checked + " shapes");
    }
}
