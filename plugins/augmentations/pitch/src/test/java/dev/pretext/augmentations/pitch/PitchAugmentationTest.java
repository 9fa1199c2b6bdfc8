package dev.pretext.augmentations.pitch;

import dev.pretext.api.audio.Waveform;
import dev.pretext.testkit.Signals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

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

class PitchAugmentationTest {
    private static final PitchAugmentation SHIFTER = new PitchAugmentation(new PitchConfig(List.of(-12.0, 12.0), 1.0));

    @ParameterizedTest
    @ValueSource(doubles = {-12, -4, -2, -0.5, 0.5, 2, 4, 12})
    void aHarmonicToneMovesByTheRatioAndKeepsItsLength(double semitones) {
        Waveform tone = harmonicTone(140, 2.0);
        Waveform out = SHIFTER.shift(tone, semitones);
        assertEquals(tone.length(), out.length(), "duration");
        double before = medianF0(tone.samples());
        double after = medianF0(out.samples());
        double expected = PitchAugmentation.ratio(semitones);
        double error = (after / before) / expected - 1;
        System.out.printf("pitch %+5.1f st on a 140 Hz harmonic tone: F0 %.2f -> %.2f Hz, ratio error %+.3f%%%n",
                semitones, before, after, 100 * error);
        assertEquals(0, error, 0.03, "F0 " + before + " -> " + after + " Hz, wanted ratio " + expected);
    }

    /**
     * The bar on speech: F0 moves by the requested ratio within 3%, the duration stays within 1% (here:
     * exactly). Two clips: an espeak-ng sentence and two seconds of a human reader (LibriVox, public domain; the
     * speed bundle's fixture, see its make_sox_fixtures.py).
     */
    @ParameterizedTest(name = "{0} shifted {1} semitones")
    @CsvSource({"speech.wav, -3", "speech.wav, -1", "speech.wav, 1", "speech.wav, 3",
            "librivox.wav, -3", "librivox.wav, -1", "librivox.wav, 1", "librivox.wav, 3"})
    void speechMovesByTheRatioAndKeepsItsLength(String clip, double semitones) throws Exception {
        Waveform speech = speech("/" + clip);
        Waveform out = SHIFTER.shift(speech, semitones);
        assertEquals(speech.length(), out.length(), "duration");
        // Timing is kept, so frame i of the output is compared with frame i of the input: the median of the
        // per-frame ratios over frames voiced in both ignores which frames the voicing decision happens to keep.
        double[] before = f0Track(speech.samples());
        double[] after = f0Track(out.samples());
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(before.length, after.length); i++) {
            if (before[i] > 0 && after[i] > 0) {
                ratios.add(after[i] / before[i]);
            }
        }
        // The reader is voiced (by YIN's threshold) in about 45 of the clip's 200 frames, espeak in about 55.
        assertTrue(ratios.size() >= 30, "only " + ratios.size() + " frames voiced in both");
        ratios.sort(null);
        double measured = ratios.get(ratios.size() / 2);
        double expected = PitchAugmentation.ratio(semitones);
        double error = measured / expected - 1;
        System.out.printf("pitch %+5.1f st on %s: median per-frame F0 ratio %.4f over %d frames (wanted %.4f), "
                + "error %+.3f%%%n", semitones, clip, measured, ratios.size(), expected, 100 * error);
        assertEquals(0, error, 0.03, "F0 ratio " + measured + ", wanted " + expected);
        // Level survives: WSOLA joins frames in phase, so nothing cancels.
        double rmsRatio = Signals.rms(out.samples()) / Signals.rms(speech.samples());
        assertEquals(1.0, rmsRatio, 0.1, "rms ratio");
    }

    @ParameterizedTest
    @CsvSource({"-4, 0.01", "-2, 0.01", "2, 0.01", "4, 0.01", "-12, 0.02", "12, 0.02"})
    void soundsStayWhereTheyWere(double semitones, double fraction) {
        // A 150 Hz harmonic burst from 0.6 s to 1.4 s in a 2 s clip: onset and offset must not move by more than
        // 1% of the clip (20 ms), i.e. the duration is kept locally too, not just the sample count. An octave up,
        // one 32 ms WSOLA frame spans 64 ms of the original, which smears edges by up to 2%.
        Waveform tone = harmonicTone(150, 2.0);
        float[] x = tone.samples().clone();
        for (int i = 0; i < x.length; i++) {
            if (i < 0.6 * Waveform.RATE || i >= 1.4 * Waveform.RATE) {
                x[i] = 0;
            }
        }
        float[] out = SHIFTER.shift(new Waveform(x, Waveform.RATE), semitones).samples();
        double[] edges = edges(out);
        double tolerance = fraction * x.length / Waveform.RATE;
        System.out.printf("pitch %+5.1f st: burst 0.600-1.400 s comes out at %.4f-%.4f s%n", semitones, edges[0], edges[1]);
        assertEquals(0.6, edges[0], tolerance, "onset");
        assertEquals(1.4, edges[1], tolerance, "offset");
    }

    @Test
    void sameSeedSameOutputDifferentSeedsDiffer() {
        PitchAugmentation pitch = new PitchAugmentation(PitchConfig.defaults());
        Waveform input = harmonicTone(120, 0.7);
        float[] first = null;
        boolean anyDiffers = false;
        for (long seed = 0; seed < 8; seed++) {
            float[] a = pitch.apply(input, new SplittableRandom(seed)).samples();
            assertArrayEquals(a, pitch.apply(input, new SplittableRandom(seed)).samples(), "seed " + seed);
            if (first == null) {
                first = a;
            } else {
                anyDiffers |= !Arrays.equals(first, a);
            }
        }
        assertTrue(anyDiffers, "different seeds gave identical outputs");
    }

    @Test
    void pZeroAndAZeroShiftLeaveTheAudioAlone() {
        Waveform input = Signals.noise(0.5, 0.1, 1);
        PitchAugmentation never = new PitchAugmentation(new PitchConfig(List.of(-2.0, 2.0), 0.0));
        PitchAugmentation flat = new PitchAugmentation(new PitchConfig(List.of(0.0, 0.0), 1.0));
        for (long seed = 0; seed < 20; seed++) {
            assertSame(input, never.apply(input, new SplittableRandom(seed)));
            assertSame(input, flat.apply(input, new SplittableRandom(seed)));
        }
    }

    @Test
    void pHalfShiftsAboutHalfTheCalls() {
        PitchAugmentation half = new PitchAugmentation(new PitchConfig(List.of(1.0, 2.0), 0.5));
        Waveform input = Signals.noise(0.05, 0.1, 1);
        int changed = 0;
        for (long seed = 0; seed < 400; seed++) {
            if (half.apply(input, new SplittableRandom(seed)) != input) {
                changed++;
            }
        }
        assertTrue(changed > 160 && changed < 240, changed + " of 400 shifted");
    }

    @Test
    void tinyEmptyAndLoudInputsDoNotBreak() {
        assertEquals(0, SHIFTER.shift(new Waveform(new float[0], Waveform.RATE), 3).length());
        assertEquals(7, SHIFTER.shift(new Waveform(new float[]{0.1f, -0.2f, 0.3f, 0, 0, 0.1f, 0.2f}, Waveform.RATE),
                -5).length());
        float[] square = new float[8000];
        for (int i = 0; i < square.length; i++) {
            square[i] = (i / 40) % 2 == 0 ? 1f : -1f;
        }
        for (float v : SHIFTER.shift(new Waveform(square, Waveform.RATE), 5).samples()) {
            assertTrue(v >= -1f && v <= 1f, "sample " + v + " outside [-1, 1]");
        }
    }

    @Test
    void parallelCallsMatchSequentialOnes() throws Exception {
        PitchAugmentation pitch = new PitchAugmentation(new PitchConfig(List.of(-4.0, 4.0), 1.0));
        Waveform input = Signals.chirp(200, 3000, 0.6, 0.5);
        List<float[]> expected = new ArrayList<>();
        for (long seed = 0; seed < 8; seed++) {
            expected.add(pitch.apply(input, new SplittableRandom(seed)).samples());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                long seed = i % 8;
                results.add(pool.submit(() -> pitch.apply(input, new SplittableRandom(seed)).samples()));
            }
            for (int i = 0; i < results.size(); i++) {
                assertArrayEquals(expected.get(i % 8), results.get(i).get(), "call " + i);
            }
        } finally {
            pool.shutdownNow();
        }
        assertFalse(Arrays.equals(expected.get(0), input.samples()));
    }

    /** 1/k-weighted harmonics 1..10 of {@code f0}, peak below 0.6. */
    static Waveform harmonicTone(double f0, double seconds) {
        int n = (int) Math.round(seconds * Waveform.RATE);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double v = 0;
            for (int k = 1; k <= 10; k++) {
                v += Math.sin(2 * Math.PI * k * f0 * i / Waveform.RATE + 0.7 * k) / k;
            }
            x[i] = (float) (0.2 * v);
        }
        return new Waveform(x, Waveform.RATE);
    }

    /**
     * Median F0 over voiced frames, by YIN (de Cheveigné and Kawahara, 2002): cumulative-mean-normalised
     * difference function, absolute threshold 0.15, parabolic interpolation. 40 ms window, 10 ms hop, 60-500 Hz.
     */
    static double medianF0(float[] x) {
        List<Double> f0 = new ArrayList<>();
        for (double v : f0Track(x)) {
            if (v > 0) {
                f0.add(v);
            }
        }
        assertTrue(f0.size() >= 10, "only " + f0.size() + " voiced frames");
        f0.sort(null);
        return f0.get(f0.size() / 2);
    }

    /** F0 per 10 ms frame, 0 where the frame is silent or unvoiced. */
    static double[] f0Track(float[] x) {
        int window = 640;
        int minLag = Waveform.RATE / 500;
        int maxLag = Waveform.RATE / 60;
        List<Double> f0 = new ArrayList<>();
        for (int start = 0; start + window + maxLag + 1 < x.length; start += 160) {
            double energy = 0;
            for (int j = 0; j < window; j++) {
                energy += x[start + j] * (double) x[start + j];
            }
            if (energy / window < 1e-6) {
                f0.add(0.0); // silence
                continue;
            }
            double running = 0;
            double[] cmnd = new double[maxLag + 2];
            cmnd[0] = 1;
            for (int tau = 1; tau <= maxLag + 1; tau++) {
                double s = 0;
                for (int j = 0; j < window; j++) {
                    double diff = x[start + j] - (double) x[start + j + tau];
                    s += diff * diff;
                }
                running += s;
                cmnd[tau] = running > 0 ? s * tau / running : 1;
            }
            int lag = -1;
            for (int tau = minLag; tau <= maxLag; tau++) {
                if (cmnd[tau] < 0.15) {
                    while (tau + 1 <= maxLag && cmnd[tau + 1] < cmnd[tau]) {
                        tau++;
                    }
                    lag = tau;
                    break;
                }
            }
            if (lag < 0) {
                f0.add(0.0); // unvoiced
                continue;
            }
            double a = cmnd[lag - 1];
            double b = cmnd[lag];
            double c = cmnd[lag + 1];
            double denominator = a - 2 * b + c;
            double refined = lag + (denominator != 0 ? 0.5 * (a - c) / denominator : 0);
            f0.add(Waveform.RATE / refined);
        }
        return f0.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** First and last time (s) where the 10 ms RMS envelope exceeds half its maximum. */
    static double[] edges(float[] x) {
        int frame = 160;
        double[] rms = new double[x.length / frame];
        double max = 0;
        for (int f = 0; f < rms.length; f++) {
            double s = 0;
            for (int i = 0; i < frame; i++) {
                s += x[f * frame + i] * (double) x[f * frame + i];
            }
            rms[f] = Math.sqrt(s / frame);
            max = Math.max(max, rms[f]);
        }
        int first = -1;
        int last = -1;
        for (int f = 0; f < rms.length; f++) {
            if (rms[f] > 0.5 * max) {
                if (first < 0) {
                    first = f;
                }
                last = f;
            }
        }
        return new double[]{first * frame / (double) Waveform.RATE, (last + 1) * frame / (double) Waveform.RATE};
    }

    static Waveform speech(String resource) throws Exception {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(
                new BufferedInputStream(PitchAugmentationTest.class.getResourceAsStream(resource)))) {
            assertEquals(Waveform.RATE, in.getFormat().getSampleRate());
            ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] samples = new float[bytes.remaining() / 2];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = bytes.getShort() / 32768f;
            }
            return new Waveform(samples, Waveform.RATE);
        }
    }
}
