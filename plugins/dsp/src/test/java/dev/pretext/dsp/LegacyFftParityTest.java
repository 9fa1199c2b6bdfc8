package dev.pretext.dsp;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** TEMPORARY: fbank's own RealFft against the one on the shared Fft, bit for bit. */
class LegacyFftParityTest {
    @Test
    void thePowerSpectraAreIdenticalBitForBit() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int n : new int[]{4, 8, 16, 256, 512, 1024, 2048}) {
            OldRealFft old = new OldRealFft(n);
            RealFft now = new RealFft(n);
            for (int trial = 0; trial < 300; trial++) {
                double[] x = new double[n];
                for (int i = 0; i < n; i++) {
                    x[i] = rng.nextGaussian() * (trial % 3 == 0 ? 1e4 : 1);
                }
                double[] a = new double[n / 2 + 1];
                double[] b = new double[n / 2 + 1];
                old.powerSpectrum(x, a, new double[n / 2], new double[n / 2]);
                now.powerSpectrum(x, b, new double[n / 2], new double[n / 2]);
                assertArrayEquals(a, b, 0.0, "n = " + n);
            }
            assertArrayEquals(new double[]{old.flops()}, new double[]{now.flops()}, 0.0);
        }
    }
}
