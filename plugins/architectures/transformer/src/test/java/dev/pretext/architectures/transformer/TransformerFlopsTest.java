package dev.pretext.architectures.transformer;

import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.model.FlopCount;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** FLOPs against a count done by hand; no engine needed. */
class TransformerFlopsTest {

    @Test
    void matchesAHandCountForATinyConfig() {
        // 1 layer, D = 4, 2 heads (dh = 2), FFN 6, F = 3 inputs, batch 2 x 5 frames: N = 10 frames in all.
        TransformerConfig config = new TransformerConfig(null, 1, 4, 2, 6, null, null, null, null, null, null, null, null, null);
        FlopCount count = new TransformerEncoder(config, new FeatureSpec(3, 100)).flops(2, 5);
        Map<String, Double> f = count.forward();
        // 10 x (3 -> 4) matmul = 2*10*3*4 = 240, bias 40; sinusoidal positions added: 40
        assertEquals(280, f.get("encoder.input_projection"));
        assertEquals(40, f.get("encoder.positions"));
        // 10 x (4 -> 12) matmul = 960, bias 120, query scaling 10*4 = 40
        assertEquals(1120, f.get("encoder.attention.qkv"));
        // QK^T: 2 * B*H*T*T*dh = 2 * 2*2*5*5*2
        assertEquals(400, f.get("encoder.attention.scores"));
        assertEquals(400, f.get("encoder.attention.values"));
        // 10 x (4 -> 4) = 320, bias 40
        assertEquals(360, f.get("encoder.attention.output"));
        // 10 x (4 -> 6) = 480 + bias 60, 10 x (6 -> 4) = 480 + bias 40
        assertEquals(1060, f.get("encoder.ffn"));
        // GELU on 10 x 6 at 8 each
        assertEquals(480, f.get("encoder.activation"));
        // 3 norms (2 in the layer, 1 final) on 10 x 4 at 7 each
        assertEquals(840, f.get("encoder.norm"));
        // 2*2*5*5 = 100 scores at 6 each
        assertEquals(600, f.get("encoder.softmax"));
        // 2 residual adds on 10 x 4, padding mask on 2 hidden states of 10 x 4
        assertEquals(160, f.get("encoder.elementwise"));
        assertEquals(11, f.size());
        assertEquals(320 + 1120 + 400 + 400 + 360 + 1060 + 480 + 840 + 600 + 160, count.total());
    }

    @Test
    void countsTheConvolutionalPositionsByHand() {
        // D = 4, kernel 3, 2 groups: each output unit reads 2 inputs over 3 taps = 6 weights.
        TransformerConfig config = new TransformerConfig(null, 1, 4, 2, 6, null, null, "post", "conv", 3, 2, null,
                null, null);
        Map<String, Double> f = new TransformerEncoder(config, new FeatureSpec(3, 100)).flops(2, 5).forward();
        // conv 2*10*4*6 = 480, bias 40, GELU 8*40 = 320, add 40, weight norm 4*4*6 = 96
        assertEquals(976, f.get("encoder.positions"));
        // post-LN also normalises 3 times: the input and after each residual add
        assertEquals(840, f.get("encoder.norm"));
    }

    @Test
    void aSkippedLayerCostsNothingButTheInputAndOutputStillDo() {
        TransformerConfig three = new TransformerConfig("tiny", 3, null, null, null, null, null, null, null, null,
                null, null, 0.5, null);
        Map<String, Double> all = TransformerEncoder.flops(three, 80, 4, 100, 3).forward();
        Map<String, Double> one = TransformerEncoder.flops(three, 80, 4, 100, 1).forward();
        assertEquals(all.get("encoder.ffn") / 3, one.get("encoder.ffn"), 1e-6);
        assertEquals(all.get("encoder.attention.scores") / 3, one.get("encoder.attention.scores"), 1e-6);
        assertEquals(all.get("encoder.input_projection"), one.get("encoder.input_projection"));
    }

    @Test
    void attentionGrowsWithTheSquareOfLengthAndEverythingWithLayers() {
        TransformerConfig one = new TransformerConfig("tiny", 1, null, null, null, null, null, null, null, null, null, null, null, null);
        TransformerConfig three = new TransformerConfig("tiny", 3, null, null, null, null, null, null, null, null, null, null, null, null);
        Map<String, Double> shortOne = TransformerEncoder.flops(one, 80, 4, 100).forward();
        Map<String, Double> longOne = TransformerEncoder.flops(one, 80, 4, 200).forward();
        Map<String, Double> shortThree = TransformerEncoder.flops(three, 80, 4, 100).forward();
        assertEquals(4 * shortOne.get("encoder.attention.scores"), longOne.get("encoder.attention.scores"));
        assertEquals(2 * shortOne.get("encoder.ffn"), longOne.get("encoder.ffn"));
        assertEquals(3 * shortOne.get("encoder.attention.qkv"), shortThree.get("encoder.attention.qkv"));
        assertEquals(shortOne.get("encoder.input_projection"), shortThree.get("encoder.input_projection"));
    }

    @Test
    void slimForwardIsCloseToTwiceTheParametersPerFramePlusAttention() {
        // The textbook estimate: 2 x (weights) per frame + 4 x T x D per frame and layer for QK^T and AV.
        TransformerConfig slim = new TransformerConfig("slim", null, null, null, null, null, null, null, null, null, null, null, null, null);
        int frames = 400;
        double perFrame = TransformerEncoder.flops(slim, 80, 1, frames).total() / frames;
        double estimate = 2.0 * TransformerEncoder.parameterCount(slim, 80) + 4.0 * slim.layers() * frames * slim.dim();
        assertEquals(1.0, perFrame / estimate, 0.05);
    }
}
