package dev.pretext.probes.phoneframes;

import dev.pretext.api.data.PhoneSegment;
import dev.pretext.api.data.Utterance;
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

class PhoneFramesProbeTest {
    private static final int INFORMATIVE_LAYER = 2;

    /** 12 phones, 4 layers of 24 units; the phones are in layer 2 under noise of 1.5 prototypes' scale. */
    private static ProbeInput corpus(boolean shuffledLabels, long probeSeed) {
        return new SyntheticPhoneCorpus(12, 4, 24, INFORMATIVE_LAYER, 1.5, 7).input(60, 20, 30, shuffledLabels,
                probeSeed);
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
        ProbeResult result = new PhoneFramesProbe(PhoneFramesConfig.defaults()).run(corpus(false, 1));

        assertEquals("accuracy", result.metric());
        assertTrue(result.higherIsBetter());
        assertTrue(result.value() > 0.8, "accuracy " + result.value());
        assertEquals(12.0, result.details().get("classes"), "12 phones; silence is no class");
        assertEquals(0.0, result.details().get("unseen_test_frames"));
        assertEquals(INFORMATIVE_LAYER, argMax(result.layerWeights()));
        assertEquals(1.0, Arrays.stream(result.layerWeights()).sum(), 1e-5);
    }

    @Test
    void isNearChanceWhenLabelsDoNotMatchTheFeatures() {
        ProbeResult result = new PhoneFramesProbe(PhoneFramesConfig.defaults()).run(corpus(true, 1));
        // Chance among 12 phones is about 0.08; a head that learnt the shuffled labels by heart would not
        // carry them to the test utterances.
        assertTrue(result.value() < 0.25, "accuracy " + result.value());
    }

    @Test
    void theHeadSeedHardlyMovesTheResult() {
        // What the probe is for: a convex head gives the same answer under every seed, within a point.
        double[] values = new double[4];
        for (int seed = 0; seed < values.length; seed++) {
            values[seed] = new PhoneFramesProbe(PhoneFramesConfig.defaults()).run(corpus(false, seed + 1)).value();
        }
        double spread = Arrays.stream(values).max().orElseThrow() - Arrays.stream(values).min().orElseThrow();
        assertTrue(spread < 0.01, "accuracies under four head seeds: " + Arrays.toString(values));
    }

    @Test
    void atTheDefaultsTheHeadHasConverged() {
        // A probe that stops early ranks representations by how fast a head learns on them (1.0.0 did): twice the
        // training must not change the answer.
        PhoneFramesConfig defaults = PhoneFramesConfig.defaults();
        PhoneFramesConfig twice = new PhoneFramesConfig(2 * defaults.epochs(), null, null, null);
        // Noisy enough (4 prototypes' scale) that the head needs many passes to reach its optimum.
        ProbeInput hard = new SyntheticPhoneCorpus(12, 4, 24, INFORMATIVE_LAYER, 4.0, 7).input(60, 20, 30, false, 2);
        double atDefaults = new PhoneFramesProbe(defaults).run(hard).value();
        double atTwice = new PhoneFramesProbe(twice).run(hard).value();
        // Chance is 1/12; an untrained head would pass the comparison below by being equally lost at both lengths.
        assertTrue(atDefaults > 0.25, "accuracy " + atDefaults);
        assertEquals(atTwice, atDefaults, 0.01, "accuracy at " + defaults.epochs() + " and " + twice.epochs()
                + " epochs");
    }

    @Test
    void sameSeedSameResult() {
        PhoneFramesConfig config = new PhoneFramesConfig(3, null, null, 16);
        ProbeResult first = new PhoneFramesProbe(config).run(corpus(false, 3));
        ProbeResult second = new PhoneFramesProbe(config).run(corpus(false, 3));
        ProbeResult otherSeed = new PhoneFramesProbe(config).run(corpus(false, 4));

        assertEquals(first.value(), second.value());
        assertArrayEquals(first.layerWeights(), second.layerWeights());
        assertEquals(first.details(), second.details());
        assertFalse(Arrays.equals(first.layerWeights(), otherSeed.layerWeights()),
                "a different seed initialises and shuffles differently");
    }

    @Test
    void utterancesWithoutPhonesToClassifyAreUnusable() {
        PhoneFramesProbe probe = new PhoneFramesProbe(PhoneFramesConfig.defaults());
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
    void saysSoWhenTheAlignmentsMissTheFrames() {
        // At 0.01 frames a second the first frame's centre is at 50 s, past every alignment of a few seconds.
        ProbeInput input = corpus(false, 1);
        ProbeInput wrongRate = new ProbeInput(input.train(), input.test(), 0.01, 1);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () ->
                new PhoneFramesProbe(PhoneFramesConfig.defaults()).run(wrongRate));
        assertTrue(error.getMessage().startsWith("no training frame falls on a phone"), error.getMessage());
    }
}
