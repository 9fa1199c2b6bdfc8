package dev.pretext.core.probe;

import dev.pretext.api.probe.ProbeResult;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The overall score, by hand: each task placed between the features baseline (0) and a perfect result (100). */
class ProbeTableTest {
    private static ProbeResult per(double value) {
        return new ProbeResult("per", value, false, new double[]{1}, Map.of());
    }

    private static ProbeResult accuracy(double value) {
        return new ProbeResult("accuracy", value, true, new double[]{1}, Map.of());
    }

    @Test
    void eachTaskIsPlacedBetweenTheFeaturesAndPerfectThenAveraged() {
        ProbeTable t = new ProbeTable();
        t.put("features", "phonemes", 1, per(0.6), 1);
        t.put("features", "speakers", 1, accuracy(0.5), 1);
        t.put("pretrained", "phonemes", 1, per(0.3), 1);      // half way from 0.6 to 0: 50
        t.put("pretrained", "speakers", 1, accuracy(0.6), 1); // a fifth of the way from 0.5 to 1: 20
        assertEquals(35, t.score("pretrained", 1), 1e-9);
        assertEquals(0, t.score("features", 1), 1e-12);
        t.put("worse", "phonemes", 1, per(0.9), 1);           // further from perfect than the features: below 0
        assertEquals(-50, t.score("worse", 1), 1e-9);
    }

    @Test
    void eachSeedIsScoredAgainstTheFeaturesOfTheSameSeed() {
        ProbeTable t = new ProbeTable();
        t.put("features", "speakers", 1, accuracy(0.5), 1);
        t.put("features", "speakers", 2, accuracy(0.8), 1);
        t.put("pretrained", "speakers", 1, accuracy(0.75), 1); // 50 against seed 1's 0.5
        t.put("pretrained", "speakers", 2, accuracy(0.9), 1);  // 50 against seed 2's 0.8 (not 80 against 0.5)
        assertArrayEquals(new double[]{50, 50}, t.scores("pretrained"), 1e-9);
        assertEquals(50, t.score("pretrained"), 1e-9);
    }

    @Test
    void tasksThatCannotBePlacedAreLeftOutAndNothingLeftIsNaN() {
        ProbeTable t = new ProbeTable();
        t.put("features", "speakers", 1, accuracy(1.0), 1);  // the features are perfect: no room to place
        t.put("features", "phonemes", 1, per(0.5), 1);
        t.put("pretrained", "speakers", 1, accuracy(0.9), 1);
        t.put("pretrained", "phonemes", 1, per(0.25), 1);
        t.put("pretrained", "keywords", 1, accuracy(0.7), 1); // no features row for it
        assertEquals(50, t.score("pretrained", 1), 1e-9, "only phonemes counts");

        ProbeTable noBase = new ProbeTable();
        noBase.put("pretrained", "phonemes", 1, per(0.25), 1);
        assertTrue(Double.isNaN(noBase.score("pretrained", 1)));
        assertTrue(Double.isNaN(t.score("random", 1)), "an upstream never probed");
    }
}
