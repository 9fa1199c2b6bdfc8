package dev.pretext.augmentations.reverb;

import dev.pretext.api.audio.Waveform;
import dev.pretext.testkit.Signals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.BufferedInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReverbAugmentationTest {
    @ParameterizedTest
    @CsvSource({"0.2, 0.8, 0, 10", "0.1, 0.3, -5, 5", "0.8, 2.0, 0, 20"})
    void theEnergyDecayMatchesTheDrawnRt60(double minRt60, double maxRt60, double minDrr, double maxDrr) {
        // Schroeder backward integration of the impulse response, then T20: the line through the decay curve from
        // 5 to 25 dB below its level just after the direct path, extrapolated to 60 dB.
        ReverbAugmentation reverb = new ReverbAugmentation(
                new ReverbConfig(List.of(minRt60, maxRt60), List.of(minDrr, maxDrr), 1.0));
        double worst = 0;
        for (long seed = 0; seed < 20; seed++) {
            RoomImpulse room = reverb.drawImpulse(16000, new SplittableRandom(seed));
            assertTrue(room.rt60() >= minRt60 && room.rt60() <= maxRt60);
            double measured = t20(room.taps(), 16000);
            double error = measured / room.rt60() - 1;
            worst = Math.max(worst, Math.abs(error));
            assertEquals(0, error, 0.10, "seed " + seed + ": drawn RT60 " + room.rt60() + " s, measured " + measured);
            double reverberant = 0;
            for (int i = 1; i < room.taps().length; i++) {
                reverberant += room.taps()[i] * room.taps()[i];
            }
            assertEquals(room.drrDb(), 10 * Math.log10(1 / reverberant), 1e-9, "direct-to-reverberant ratio");
        }
        System.out.printf("reverb rt60 [%.1f, %.1f]: worst |T20 / drawn RT60 - 1| %.2f%% over 20 draws%n", minRt60,
                maxRt60, 100 * worst);
    }

    @Test
    void outputKeepsLengthLevelAndTiming() throws Exception {
        Waveform speech = speech();
        ReverbAugmentation reverb = new ReverbAugmentation(ReverbConfig.defaults());
        for (long seed = 0; seed < 5; seed++) {
            Waveform out = reverb.apply(speech, new SplittableRandom(seed));
            assertEquals(speech.length(), out.length());
            assertEquals(Signals.rms(speech.samples()), Signals.rms(out.samples()), 1e-4, "rms level");
            // No delay: the direct path is at sample 0, so the input lines up best at lag 0.
            assertEquals(0, bestLag(speech.samples(), out.samples(), 40), "seed " + seed);
        }
        // A nearly dry room (DRR 30 dB) leaves the audio almost as it was.
        ReverbAugmentation dry = new ReverbAugmentation(new ReverbConfig(List.of(0.3, 0.3), List.of(30.0, 30.0), 1.0));
        float[] out = dry.apply(speech, new SplittableRandom(1)).samples();
        double error = 0;
        for (int i = 0; i < out.length; i++) {
            double d = out[i] - (double) speech.samples()[i];
            error += d * d;
        }
        double snr = 10 * Math.log10(Signals.rms(speech.samples()) * Signals.rms(speech.samples()) * out.length / error);
        assertTrue(snr > 25, "a 30 dB DRR room changed the audio by " + snr + " dB SNR");
    }

    @Test
    void fftConvolutionMatchesDirectConvolution() {
        SplittableRandom rng = new SplittableRandom(4);
        for (int[] sizes : new int[][]{{50, 7}, {20000, 3000}, {9000, 4097}, {1, 1}, {3, 10}}) {
            float[] x = new float[sizes[0]];
            double[] h = new double[sizes[1]];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextGaussian();
            }
            for (int i = 0; i < h.length; i++) {
                h[i] = rng.nextGaussian();
            }
            double[] fast = FftConvolution.convolve(x, h, x.length);
            for (int n = 0; n < x.length; n++) {
                double direct = 0;
                for (int k = 0; k < h.length && k <= n; k++) {
                    direct += h[k] * x[n - k];
                }
                assertEquals(direct, fast[n], 1e-8 * (1 + Math.abs(direct)), "sample " + n + " of " + Arrays.toString(sizes));
            }
        }
    }

    @Test
    void determinismAndP() throws Exception {
        Waveform speech = speech();
        ReverbAugmentation reverb = new ReverbAugmentation(ReverbConfig.defaults());
        float[] a = reverb.apply(speech, new SplittableRandom(3)).samples();
        assertArrayEquals(a, reverb.apply(speech, new SplittableRandom(3)).samples());
        assertFalse(Arrays.equals(a, reverb.apply(speech, new SplittableRandom(4)).samples()));
        ReverbAugmentation never = new ReverbAugmentation(new ReverbConfig(null, null, 0.0));
        for (long seed = 0; seed < 20; seed++) {
            assertSame(speech, never.apply(speech, new SplittableRandom(seed)));
        }
        Waveform silence = new Waveform(new float[1000], 16000);
        assertSame(silence, reverb.apply(silence, new SplittableRandom(1)));
        assertEquals(0, reverb.apply(new Waveform(new float[0], 16000), new SplittableRandom(1)).length());
        assertEquals(1, reverb.apply(new Waveform(new float[]{0.5f}, 16000), new SplittableRandom(1)).length());
        ReverbAugmentation half = new ReverbAugmentation(new ReverbConfig(List.of(0.1, 0.1), null, 0.5));
        Waveform shortTone = Signals.tone(300, 0.05, 0.5);
        int changed = 0;
        for (long seed = 0; seed < 400; seed++) {
            if (half.apply(shortTone, new SplittableRandom(seed)) != shortTone) {
                changed++;
            }
        }
        assertTrue(changed > 160 && changed < 240, changed + " of 400 changed");
    }

    @Test
    void parallelCallsMatchSequentialOnes() throws Exception {
        ReverbAugmentation reverb = new ReverbAugmentation(ReverbConfig.defaults());
        Waveform input = Signals.chirp(200, 3000, 0.8, 0.3);
        List<float[]> expected = new ArrayList<>();
        for (long seed = 0; seed < 8; seed++) {
            expected.add(reverb.apply(input, new SplittableRandom(seed)).samples());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                long seed = i % 8;
                results.add(pool.submit(() -> reverb.apply(input, new SplittableRandom(seed)).samples()));
            }
            for (int i = 0; i < results.size(); i++) {
                assertArrayEquals(expected.get(i % 8), results.get(i).get(), "call " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Reverberation time from the Schroeder decay curve, fitted between -5 and -25 dB below its post-direct level. */
    static double t20(double[] h, int rate) {
        double[] edc = new double[h.length];
        double sum = 0;
        for (int i = h.length - 1; i >= 0; i--) {
            sum += h[i] * h[i];
            edc[i] = sum;
        }
        double top = 10 * Math.log10(edc[1] / edc[0]);
        List<double[]> points = new ArrayList<>();
        for (int i = 1; i < h.length; i++) {
            double db = 10 * Math.log10(edc[i] / edc[0]);
            if (db <= top - 5 && db >= top - 25) {
                points.add(new double[]{i / (double) rate, db});
            }
        }
        double mt = points.stream().mapToDouble(p -> p[0]).average().orElseThrow();
        double md = points.stream().mapToDouble(p -> p[1]).average().orElseThrow();
        double stt = 0;
        double std = 0;
        for (double[] p : points) {
            stt += (p[0] - mt) * (p[0] - mt);
            std += (p[0] - mt) * (p[1] - md);
        }
        return -60 / (std / stt);
    }

    static int bestLag(float[] a, float[] b, int maxLag) {
        int best = 0;
        double bestDot = Double.NEGATIVE_INFINITY;
        for (int lag = -maxLag; lag <= maxLag; lag++) {
            double dot = 0;
            for (int i = Math.max(0, -lag); i < a.length && i + lag < b.length; i++) {
                dot += a[i] * (double) b[i + lag];
            }
            if (dot > bestDot) {
                bestDot = dot;
                best = lag;
            }
        }
        return best;
    }

    static Waveform speech() throws Exception {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(
                new BufferedInputStream(ReverbAugmentationTest.class.getResourceAsStream("/speech.wav")))) {
            assertEquals(16000, in.getFormat().getSampleRate());
            ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] samples = new float[bytes.remaining() / 2];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = bytes.getShort() / 32768f;
            }
            return new Waveform(samples, 16000);
        }
    }
}
