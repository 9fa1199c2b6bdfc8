package dev.pretext.probes.keywords;

import dev.pretext.api.probe.ProbeInput;
import dev.pretext.api.probe.ProbeResult;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeywordsProbeTest {
    private static final int INFORMATIVE_LAYER = 2;

    private static ProbeInput corpus(boolean planted, long probeSeed) {
        return new SyntheticKeywordCorpus(4, 24, INFORMATIVE_LAYER, 1.0, planted, 5).input(6, 3, 20, 10, probeSeed);
    }

    private static int argMax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void spotsTheKeywordsAndFindsTheLayerThatHoldsThem() {
        ProbeResult result = new KeywordsProbe(KeywordsConfig.defaults()).run(corpus(true, 1));
        System.out.printf("keywords (informative layer %d): %s = %.4f, weights %s, details %s%n", INFORMATIVE_LAYER,
                result.metric(), result.value(), Arrays.toString(result.layerWeights()), result.details());

        assertEquals("accuracy", result.metric());
        assertTrue(result.higherIsBetter());
        assertTrue(result.value() > 0.9, "accuracy " + result.value());
        assertEquals(12.0, result.details().get("classes"), "ten keywords, _unknown_ and _silence_");
        // 3 utterances of each of 12 words (one and two are _unknown_) and as many silences as the mean word class.
        assertEquals(36.0 + 3, result.details().get("test_examples"));
        assertEquals(3.0, result.details().get("test_silence_examples"));
        assertEquals(6.0, result.details().get("test_unknown_examples"));
        assertEquals(INFORMATIVE_LAYER, argMax(result.layerWeights()));
        assertEquals(1.0, Arrays.stream(result.layerWeights()).sum(), 1e-5);
    }

    @Test
    void learnsNothingFromNoise() {
        ProbeResult result = new KeywordsProbe(KeywordsConfig.defaults()).run(corpus(false, 1));
        System.out.printf("keywords on noise: accuracy = %.4f, details %s%n", result.value(), result.details());

        assertTrue(result.value() < 0.35, "accuracy " + result.value() + ", majority class share "
                + result.details().get("majority_class_share"));
    }

    @Test
    void aSmallerKeywordListMovesTheOtherWordsToUnknown() {
        KeywordsConfig config = new KeywordsConfig(List.of("yes", "no"), null, null, null, null);
        ProbeResult result = new KeywordsProbe(config).run(corpus(true, 1));

        assertEquals(4.0, result.details().get("classes"));
        assertEquals(30.0, result.details().get("test_unknown_examples"), "ten of the twelve words, three each");
        assertTrue(result.value() > 0.9, "accuracy " + result.value());
    }

    @Test
    void sameSeedSameResult() {
        KeywordsConfig config = new KeywordsConfig(null, null, 10, null, null);
        ProbeResult first = new KeywordsProbe(config).run(corpus(true, 3));
        ProbeResult second = new KeywordsProbe(config).run(corpus(true, 3));
        ProbeResult otherSeed = new KeywordsProbe(config).run(corpus(true, 4));

        assertEquals(first.value(), second.value());
        assertArrayEquals(first.layerWeights(), second.layerWeights());
        assertEquals(first.details(), second.details());
        assertFalse(Arrays.equals(first.layerWeights(), otherSeed.layerWeights()),
                "a different seed initialises and shuffles differently");
    }

    @Test
    void refusesATrainingPartWithoutSingleWords() {
        ProbeInput sentencesOnly = new SyntheticKeywordCorpus(2, 8, 1, 1.0, true, 5).input(0, 1, 5, 2, 1);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new KeywordsProbe(KeywordsConfig.defaults()).run(sentencesOnly));
        assertTrue(error.getMessage().startsWith("the training part has no single-word utterance"), error.getMessage());
    }
}
