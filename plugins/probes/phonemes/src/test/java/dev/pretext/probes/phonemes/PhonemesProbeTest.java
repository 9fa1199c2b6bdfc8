package dev.pretext.probes.phonemes;

import dev.pretext.api.data.PhoneSegment;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.probe.ProbeExample;
import dev.pretext.api.probe.ProbeInput;
import dev.pretext.api.probe.ProbeResult;
import dev.pretext.testkit.SyntheticPhoneCorpus;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PhonemesProbeTest {
    private static final int INFORMATIVE_LAYER = 2;

    private static ProbeInput corpus(boolean shuffledLabels, long probeSeed) {
        SyntheticPhoneCorpus corpus = new SyntheticPhoneCorpus(12, 4, 24, INFORMATIVE_LAYER, 0.5, 7);
        return corpus.input(60, 20, 30, shuffledLabels, probeSeed);
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
    void findsThePhonesAndTheLayerThatHoldsThem() {
        ProbeResult result = new PhonemesProbe(PhonemesConfig.defaults()).run(corpus(false, 1));
        System.out.printf("phonemes (informative layer %d): %s = %.4f, weights %s, details %s%n",
                INFORMATIVE_LAYER, result.metric(), result.value(), Arrays.toString(result.layerWeights()),
                result.details());

        assertEquals("per", result.metric());
        assertFalse(result.higherIsBetter());
        assertTrue(result.value() < 0.25, "PER " + result.value());
        assertEquals(12.0, result.details().get("classes"), "12 phones; silence is no target");
        assertEquals(20.0 * 30, result.details().get("test_phones"), "silence is not scored");
        assertEquals(INFORMATIVE_LAYER, argMax(result.layerWeights()));
        assertEquals(1.0, Arrays.stream(result.layerWeights()).sum(), 1e-5);
    }

    @Test
    void learnsNothingWhenLabelsDoNotMatchTheFeatures() {
        ProbeResult result = new PhonemesProbe(PhonemesConfig.defaults()).run(corpus(true, 1));
        System.out.printf("phonemes, shuffled labels: per = %.4f, details %s%n", result.value(), result.details());

        assertTrue(result.value() > 0.7, "PER " + result.value());
    }

    @Test
    void sameSeedSameResult() {
        PhonemesConfig config = new PhonemesConfig(3, null, null, 16);
        ProbeResult first = new PhonemesProbe(config).run(corpus(false, 3));
        ProbeResult second = new PhonemesProbe(config).run(corpus(false, 3));
        ProbeResult otherSeed = new PhonemesProbe(config).run(corpus(false, 4));

        assertEquals(first.value(), second.value());
        assertArrayEquals(first.layerWeights(), second.layerWeights());
        assertEquals(first.details(), second.details());
        assertFalse(Arrays.equals(first.layerWeights(), otherSeed.layerWeights()),
                "a different seed initialises and shuffles differently");
    }

    @Test
    void utterancesWithoutPhonesToRecogniseAreUnusable() {
        PhonemesProbe probe = new PhonemesProbe(PhonemesConfig.defaults());
        Utterance bare = new Utterance("u1", Path.of("u1.wav"), 1.0, "s", "hello", List.of());
        Utterance silent = new Utterance("u2", Path.of("u2.wav"), 1.0, "s", null,
                List.of(new PhoneSegment("sil", 0, 1)));
        Utterance aligned = new Utterance("u3", Path.of("u3.wav"), 1.0, "s", "a",
                List.of(new PhoneSegment("sil", 0, 0.2), new PhoneSegment("a", 0.2, 0.5)));

        assertEquals("no phone alignment", probe.unusable(bare).orElseThrow());
        assertEquals("the phone alignment holds only silence", probe.unusable(silent).orElseThrow());
        assertTrue(probe.unusable(aligned).isEmpty());
    }

    @Test
    void rejectsRepresentationsFromDifferentUpstreamsByUtterance() {
        ProbeInput good = corpus(false, 1);
        ProbeInput otherDim = new SyntheticPhoneCorpus(12, 4, 16, INFORMATIVE_LAYER, 0.5, 7).input(1, 1, 5, false, 1);
        List<ProbeExample> test = new java.util.ArrayList<>(good.test());
        test.add(otherDim.test().get(0));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () ->
                new PhonemesProbe(PhonemesConfig.defaults()).run(new ProbeInput(good.train(), test, 100, 1)));
        assertTrue(error.getMessage().startsWith("utterance 'test-0' has 4 layers x 16 units but the first has 4 x 24"),
                error.getMessage());
    }

    @Test
    void namesAnUnusableUtteranceThatReachesIt() {
        ProbeInput input = corpus(false, 1);
        List<ProbeExample> train = new java.util.ArrayList<>(input.train());
        ProbeExample first = train.get(0);
        Utterance u = first.utterance();
        train.set(0, new ProbeExample(new Utterance(u.id(), u.audio(), u.seconds(), u.speaker(), u.text(), List.of()),
                first.representation()));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () ->
                new PhonemesProbe(PhonemesConfig.defaults()).run(new ProbeInput(train, input.test(), 100, 1)));
        assertEquals("utterance 'train-0' cannot be used (no phone alignment); the core should have dropped it",
                error.getMessage());
    }
}
