package dev.pretext.augmentations.gain;

import dev.pretext.api.audio.Waveform;
import dev.pretext.testkit.Signals;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GainAugmentationTest {
    // Peaks near 0.25: even +6 dB leaves headroom, so no clipping disturbs the RMS.
    private final Waveform noise = Signals.noise(1.0, 0.05, 11);

    private static double gainDb(Waveform before, Waveform after) {
        return 20 * Math.log10(Signals.rms(after.samples()) / Signals.rms(before.samples()));
    }

    @Test
    void rmsRatioEqualsTheDrawnGain() {
        GainAugmentation gain = new GainAugmentation(GainConfig.defaults());
        for (long seed = 0; seed < 50; seed++) {
            Waveform out = gain.apply(noise, new SplittableRandom(seed));
            double drawn = gain.drawDb(new SplittableRandom(seed));
            assertEquals(drawn, gainDb(noise, out), 1e-4, "seed " + seed);
        }
    }

    @Test
    void drawnGainsSpreadUniformlyOverTheRange() {
        GainAugmentation gain = new GainAugmentation(new GainConfig(List.of(-10.0, 2.0), 1.0));
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        double sum = 0;
        int n = 300;
        for (long seed = 0; seed < n; seed++) {
            double db = gainDb(noise, gain.apply(noise, new SplittableRandom(seed)));
            assertTrue(db >= -10 - 1e-4 && db <= 2 + 1e-4, db + " dB is outside [-10, 2]");
            min = Math.min(min, db);
            max = Math.max(max, db);
            sum += db;
        }
        assertTrue(min < -9.5 && max > 1.5, "range covered: " + min + " .. " + max);
        assertEquals(-4.0, sum / n, 0.7, "mean gain");
    }

    @Test
    void aFixedRangeGivesExactlyThatGain() {
        GainAugmentation gain = new GainAugmentation(new GainConfig(List.of(3.0, 3.0), null));
        Waveform out = gain.apply(noise, new SplittableRandom(4));
        assertEquals(Math.pow(10, 3 / 20.0), Signals.rms(out.samples()) / Signals.rms(noise.samples()), 1e-5);
        assertEquals(noise.length(), out.length());
        assertEquals(noise.sampleRate(), out.sampleRate());
    }

    @Test
    void loudResultsAreClippedToFullScale() {
        Waveform tone = Signals.tone(300, 0.5, 0.9);
        Waveform out = new GainAugmentation(new GainConfig(List.of(12.0, 12.0), null))
                .apply(tone, new SplittableRandom(0));
        float min = 0;
        float max = 0;
        int clipped = 0;
        for (float v : out.samples()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            if (Math.abs(v) == 1f) {
                clipped++;
            }
        }
        assertEquals(1f, max);
        assertEquals(-1f, min);
        // 0.9 * 10^(12/20) = 3.58: the sine exceeds 1 wherever |sin| > 0.28, i.e. about 82% of the time.
        assertEquals(0.82, clipped / (double) out.length(), 0.03);
    }

    @Test
    void sameSeedSameOutputOtherSeedOtherOutput() {
        GainAugmentation gain = new GainAugmentation(GainConfig.defaults());
        float[] a = gain.apply(noise, new SplittableRandom(42)).samples();
        float[] b = gain.apply(noise, new SplittableRandom(42)).samples();
        float[] c = gain.apply(noise, new SplittableRandom(43)).samples();
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    @Test
    void probabilityDecidesHowOftenTheGainApplies() {
        Waveform input = Signals.noise(0.05, 0.05, 1);
        GainAugmentation never = new GainAugmentation(new GainConfig(null, 0.0));
        for (long seed = 0; seed < 20; seed++) {
            assertSame(input, never.apply(input, new SplittableRandom(seed)));
        }
        GainAugmentation sometimes = new GainAugmentation(new GainConfig(null, 0.3));
        int applied = 0;
        for (long seed = 0; seed < 500; seed++) {
            if (sometimes.apply(input, new SplittableRandom(seed)) != input) {
                applied++;
            }
        }
        assertEquals(150, applied, 35, "applied " + applied + " of 500 at p = 0.3");
    }

    @Test
    void inputIsNotModified() {
        float[] copy = noise.samples().clone();
        new GainAugmentation(GainConfig.defaults()).apply(noise, new SplittableRandom(1));
        assertArrayEquals(copy, noise.samples());
    }
}
