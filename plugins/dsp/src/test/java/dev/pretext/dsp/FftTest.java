package dev.pretext.dsp;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FftTest {
    @Test
    void theFftMatchesADirectDft() {
        int n = 64;
        double[] re = new double[n];
        double[] im = new double[n];
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            re[i] = rng.nextGaussian();
            im[i] = rng.nextGaussian();
        }
        double[] r0 = re.clone();
        double[] i0 = im.clone();
        new Fft(n).forward(re, im);
        for (int k = 0; k < n; k++) {
            double sr = 0;
            double si = 0;
            for (int t = 0; t < n; t++) {
                double a = -2 * Math.PI * k * t / n;
                sr += r0[t] * Math.cos(a) - i0[t] * Math.sin(a);
                si += r0[t] * Math.sin(a) + i0[t] * Math.cos(a);
            }
            assertEquals(sr, re[k], 1e-9);
            assertEquals(si, im[k], 1e-9);
        }
        new Fft(n).inverse(re, im);
        for (int i = 0; i < n; i++) {
            assertEquals(r0[i], re[i] / n, 1e-12);
        }
    }

    @Test
    void sizesArePowersOfTwo() {
        assertEquals(1, Fft.sizeFor(0));
        assertEquals(1, Fft.sizeFor(1));
        assertEquals(512, Fft.sizeFor(400));
        assertEquals(512, Fft.sizeFor(512));
        assertEquals(1024, Fft.sizeFor(513));
    }
}
