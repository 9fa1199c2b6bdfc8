package dev.pretext.objectives.hubert.targets;

import dev.pretext.api.audio.Waveform;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** TEMPORARY: the MFCC with its own FFT against the one on the shared Fft, bit for bit. */
class LegacyMfccParityTest {
    @Test
    void theFeaturesAreIdenticalBitForBit() {
        SplittableRandom rng = new SplittableRandom(2);
        for (int trial = 0; trial < 20; trial++) {
            float[] x = new float[16000 + rng.nextInt(16000)];
            double f = 100 + rng.nextDouble() * 3000;
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (0.3 * Math.sin(2 * Math.PI * f * i / 16000) + 0.05 * rng.nextGaussian());
            }
            Waveform w = new Waveform(x, 16000);
            assertArrayEquals(new OldMfcc().compute(w).data(), new Mfcc().compute(w).data(), 0f);
        }
    }
}
