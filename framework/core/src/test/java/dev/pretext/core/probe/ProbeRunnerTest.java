package dev.pretext.core.probe;

import dev.pretext.api.probe.ProbeResult;
import dev.pretext.core.PretextFailure;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProbeRunnerTest {
    private static ProbeResult result(double value, double weight, double detail) {
        return new ProbeResult("wer", value, false, new double[] {1 - weight, weight}, Map.of("cer", detail));
    }

    @Test
    void aFiniteResultPasses() {
        assertDoesNotThrow(() -> ProbeRunner.requireFinite("pretrained", "asr", 7, result(0.5, 0.25, 0.1)));
    }

    @Test
    void aNonFiniteMetricWeightOrDetailIsAFailureNamingTheTaskUpstreamAndSeed() {
        PretextFailure metric = assertThrows(PretextFailure.class,
                () -> ProbeRunner.requireFinite("pretrained", "asr", 7, result(Double.NaN, 0.25, 0.1)));
        assertTrue(metric.getMessage().startsWith("probe 'asr' on upstream 'pretrained' with probe seed 7 gave "
                + "non-finite results (wer = NaN)"), metric.getMessage());

        PretextFailure weights = assertThrows(PretextFailure.class,
                () -> ProbeRunner.requireFinite("random", "phonemes", 2, result(0.5, Double.NaN, 0.1)));
        assertTrue(weights.getMessage().contains("'phonemes' on upstream 'random' with probe seed 2"),
                weights.getMessage());
        assertTrue(weights.getMessage().contains("layer weight 0 = NaN"), weights.getMessage());

        PretextFailure detail = assertThrows(PretextFailure.class,
                () -> ProbeRunner.requireFinite("features", "asr", 3, result(0.5, 0.25, Double.POSITIVE_INFINITY)));
        assertTrue(detail.getMessage().contains("cer = Infinity"), detail.getMessage());
    }
}
