package dev.pretext.dsp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RealFftTest {
    @ParameterizedTest
    @ValueSource(ints = {4, 8, 64, 512, 1024})
    void powerSpectrumMatchesADirectDft(int n) {
        SplittableRandom rng = new SplittableRandom(n);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextDouble(-1, 1);
        }
        RealFft fft = new RealFft(n);
        double[] power = new double[fft.bins()];
        fft.powerSpectrum(x, power, new double[n / 2], new double[n / 2]);
        for (int k = 0; k <= n / 2; k++) {
            double re = 0;
            double im = 0;
            for (int t = 0; t < n; t++) {
                re += x[t] * Math.cos(2 * Math.PI * k * t / n);
                im -= x[t] * Math.sin(2 * Math.PI * k * t / n);
            }
            double expected = re * re + im * im;
            assertEquals(expected, power[k], 1e-9 * Math.max(1, expected), "bin " + k + " of " + n);
        }
    }
}
