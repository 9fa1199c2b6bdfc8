package dev.pretext.probes.speakers;

import dev.pretext.api.data.Utterance;
import dev.pretext.api.probe.ProbeInput;
import dev.pretext.api.probe.ProbeResult;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpeakersProbeTest {
    private static final int INFORMATIVE_LAYER = 1;

    private static ProbeInput corpus(boolean shuffledLabels, long probeSeed) {
        SyntheticSpeakerCorpus corpus = new SyntheticSpeakerCorpus(10, 4, 32, INFORMATIVE_LAYER, 0.4, 5);
        return corpus.input(8, 4, 80, 200, shuffledLabels, probeSeed);
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
    void findsTheSpeakersAndTheLayerThatHoldsThem() {
        ProbeResult result = new SpeakersProbe(SpeakersConfig.defaults()).run(corpus(false, 1));
        System.out.printf("speakers (informative layer %d): %s = %.4f, weights %s, details %s%n", INFORMATIVE_LAYER,
                result.metric(), result.value(), Arrays.toString(result.layerWeights()), result.details());

        assertEquals("accuracy", result.metric());
        assertTrue(result.higherIsBetter());
        assertTrue(result.value() > 0.85, "accuracy " + result.value());
        assertEquals(10.0, result.details().get("classes"));
        assertEquals(0.1, result.details().get("chance"), 1e-12);
        assertEquals(INFORMATIVE_LAYER, argMax(result.layerWeights()));
        assertEquals(1.0, Arrays.stream(result.layerWeights()).sum(), 1e-5);
    }

    @Test
    void learnsNothingWhenLabelsDoNotMatchTheFeatures() {
        ProbeResult result = new SpeakersProbe(SpeakersConfig.defaults()).run(corpus(true, 1));
        System.out.printf("speakers, shuffled labels: accuracy = %.4f, details %s%n", result.value(),
                result.details());

        assertTrue(result.value() < 0.35, "accuracy " + result.value() + " with chance 0.1");
    }

    @Test
    void sameSeedSameResult() {
        SpeakersConfig config = new SpeakersConfig(10, null, null);
        ProbeResult first = new SpeakersProbe(config).run(corpus(false, 3));
        ProbeResult second = new SpeakersProbe(config).run(corpus(false, 3));
        ProbeResult otherSeed = new SpeakersProbe(config).run(corpus(false, 4));

        assertEquals(first.value(), second.value());
        assertArrayEquals(first.layerWeights(), second.layerWeights());
        assertEquals(first.details(), second.details());
        assertFalse(Arrays.equals(first.layerWeights(), otherSeed.layerWeights()),
                "a different seed initialises and shuffles differently");
    }

    @Test
    void testSpeakersUnseenInTrainingCountAsErrors() {
        ProbeInput seen = corpus(false, 1);
        List<dev.pretext.api.probe.ProbeExample> test = seen.test().stream().map(e -> {
            Utterance u = e.utterance();
            return new dev.pretext.api.probe.ProbeExample(new Utterance(u.id(), u.audio(), u.seconds(),
                    "stranger-" + u.speaker(), u.text(), u.phones()), e.representation());
        }).toList();
        ProbeResult result = new SpeakersProbe(SpeakersConfig.defaults())
                .run(new ProbeInput(seen.train(), test, seen.frameRateHz(), 1));

        assertEquals(0.0, result.value());
        assertEquals((double) test.size(), result.details().get("unseen_speaker_test_utterances"));
    }

    @Test
    void utterancesWithoutSpeakerAreUnusable() {
        SpeakersProbe probe = new SpeakersProbe(SpeakersConfig.defaults());
        assertEquals("no speaker label",
                probe.unusable(new Utterance("u1", Path.of("u1.wav"), 1.0, null, null, List.of())).orElseThrow());
        assertEquals("no speaker label",
                probe.unusable(new Utterance("u2", Path.of("u2.wav"), 1.0, " ", null, List.of())).orElseThrow());
        assertTrue(probe.unusable(new Utterance("u3", Path.of("u3.wav"), 1.0, "s", null, List.of())).isEmpty());
    }
}
