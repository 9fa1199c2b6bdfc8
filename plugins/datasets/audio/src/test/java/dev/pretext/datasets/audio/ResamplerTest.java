package dev.pretext.datasets.audio;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResamplerTest {
    private static double db(double ratio) {
        return 20 * Math.log10(ratio);
    }

    @Test
    void passbandTonesKeepFrequencyAndLevel() {
        // 44101 Hz reduces to 16000 phases: it exercises the interpolated-kernel path, the others the exact one.
        for (int rate : new int[] {8000, 11025, 22050, 44100, 44101, 48000}) {
            for (double hz : new double[] {100, 1000, 3000, Math.min(6000, 0.8 * rate / 2)}) {
                float[] y = Resampler.resample(TestWavs.tone(hz, 1.0, rate, 0.5), rate, 16000);
                assertEquals(Resampler.outputLength(rate, rate, 16000), y.length);
                assertEquals(16000, y.length, "one second stays one second at " + rate);
                double gain = db(TestWavs.amplitudeAt(y, hz, 16000) / 0.5);
                assertEquals(0, gain, 0.01, hz + " Hz from " + rate + " Hz: gain " + gain + " dB");
                assertEquals(hz, TestWavs.toneFrequency(y, 16000), 1.0, hz + " Hz from " + rate + " Hz");
            }
        }
    }

    @Test
    void tonesAboveTheNewNyquistAreRemovedNotFolded() {
        // Without a low-pass, 9 kHz at 48 kHz would fold to 7 kHz and 12 kHz at 44.1 kHz to 4 kHz.
        double[][] cases = {{48000, 9000}, {44100, 12000}, {48000, 20000}, {44101, 8600}};
        for (double[] c : cases) {
            int rate = (int) c[0];
            float[] y = Resampler.resample(TestWavs.tone(c[1], 1.0, rate, 0.5), rate, 16000);
            double attenuation = db(TestWavs.middleRms(y) / (0.5 / Math.sqrt(2)));
            assertTrue(attenuation < -90, c[1] + " Hz from " + rate + " Hz leaks at " + attenuation + " dB");
        }
    }

    @Test
    void upsamplingLeavesNoImages() {
        // 3 kHz at 8 kHz upsampled naively also shows its image at 8 - 3 = 5 kHz.
        float[] y = Resampler.resample(TestWavs.tone(3000, 1.0, 8000, 0.5), 8000, 16000);
        assertEquals(0, db(TestWavs.amplitudeAt(y, 3000, 16000) / 0.5), 0.01);
        double image = db(TestWavs.amplitudeAt(y, 5000, 16000) / 0.5);
        assertTrue(image < -90, "image at " + image + " dB");
    }

    @Test
    void constantStaysConstantAndSameRateIsUntouched() {
        float[] dc = new float[4410];
        java.util.Arrays.fill(dc, 0.25f);
        float[] y = Resampler.resample(dc, 44100, 16000);
        for (int i = 200; i < y.length - 200; i++) {
            assertEquals(0.25, y[i], 1e-5, "sample " + i);
        }
        assertSame(dc, Resampler.resample(dc, 16000, 16000));
        assertEquals(3, Resampler.outputLength(7, 44100, 16000), "durations round up to a whole sample");
    }
}
