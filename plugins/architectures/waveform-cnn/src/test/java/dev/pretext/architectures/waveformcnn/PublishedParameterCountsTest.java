package dev.pretext.architectures.waveformcnn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.architectures.transformer.TransformerConfig;
import dev.pretext.architectures.transformer.TransformerEncoder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * wav2vec 2.0 Base and HuBERT Base rebuilt from pretext's parts: this frontend and the Transformer body in the
 * wav2vec 2.0 layout (post-LN, convolutional positions, 12 x 768, FFN 3072). Their published sizes include the
 * pre-training heads, which belong to the objectives; those are added here from the papers' shapes, named one
 * by one, until the objective bundles build them.
 */
class PublishedParameterCountsTest {

    /** Parameters of the frontend and the body as really built on libtorch. */
    private static long builtBaseNetwork() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            WaveformCnnFrontend frontend = new WaveformCnnFrontend(new WaveformCnnConfig(null, null, null, 0.1));
            frontend.initialize(manager);
            TransformerConfig body = new TransformerConfig("base", null, null, null, null, null, null, "post", "conv",
                    null, null, null, null, null);
            FeatureSpec input = frontend.outputSpec();
            TransformerEncoder encoder = new TransformerEncoder(body, input);
            encoder.initialize(manager, input);
            long count = 0;
            for (Parameter p : frontend.block().getParameters().values()) {
                count += p.getArray().size();
            }
            for (Parameter p : encoder.block().getParameters().values()) {
                count += p.getArray().size();
            }
            assertEquals(TransformerEncoder.parameterCount(body, input.dim())
                    + WaveformCnnFrontend.parameterCount(frontend.config()), count);
            return count;
        }
    }

    @Test
    void frontendAndBodyGiveWav2vec2BaseAndHubertBaseWithTheirHeads() {
        long network = builtBaseNetwork();
        long maskEmbedding = 768;
        long finalProjection = 768 * 256 + 256;
        // HuBERT: the final projection to 256 and one embedding per cluster for its 504 targets (fairseq's count).
        long hubert = network + maskEmbedding + finalProjection + 504 * 256;
        // wav2vec 2.0: the quantiser's logits (512 -> 2 groups x 320 entries), its codebook (640 x 128), the
        // projection of quantised targets (256 -> 256) and the final projection.
        long wav2vec2 = network + maskEmbedding + finalProjection + (512 * 640 + 640) + 640 * 128 + (256 * 256 + 256);
        assertEquals(1.0, hubert / 94.68e6, 0.005, "HuBERT Base: " + hubert);
        assertEquals(1.0, wav2vec2 / 95.04e6, 0.005, "wav2vec 2.0 Base: " + wav2vec2);
        // Without any head the network alone is within 0.5% of HuBERT's figure too (the heads are 0.3%).
        assertEquals(94_370_944, network);
    }
}
