package dev.pretext.augmentations.specaugment;

import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.architectures.fbank.FbankConfig;
import dev.pretext.architectures.fbank.FbankFrontend;
import dev.pretext.augmentations.specaugment.SpecAugmentation.Mask;
import dev.pretext.augmentations.specaugment.SpecAugmentation.Plan;
import org.junit.jupiter.api.Test;

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
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** On real 80-bin log-mel features (the fbank plugin) of a real speech clip (espeak-ng, 2.4 s). */
class SpecAugmentationTest {
    /** Far above any log-mel value (at most about 30 for 16-bit audio): marks masked cells unambiguously. */
    private static final float SENTINEL = 1234.5f;
    private static final Waveform SPEECH = speech();
    private static final Features FBANK = new FbankFrontend(FbankConfig.defaults()).extract(SPEECH);

    private static SpecAugmentation sentinel(int freqMasks, int freqWidth, int timeMasks, int timeWidth,
                                             double timeRatio) {
        return new SpecAugmentation(new SpecAugmentConfig(1.0, freqMasks, freqWidth, timeMasks, timeWidth,
                timeRatio, (double) SENTINEL));
    }

    @Test
    void theFixtureIsRealSpeechFeatures() {
        assertEquals(80, FBANK.dim());
        assertTrue(FBANK.frames() > 200, "frames: " + FBANK.frames());
        for (float v : FBANK.data()) {
            assertTrue(Float.isFinite(v) && v < 100, "a log-mel value of " + v);
        }
    }

    @Test
    void masksHaveTheirCountAndStayWithinTheirWidthsAndTheFeatures() {
        SpecAugmentation aug = sentinel(2, 27, 2, 40, 0.2);
        int frames = FBANK.frames();
        int maxT = Math.min(40, (int) Math.floor(0.2 * frames));
        int[] fWidths = new int[28];
        int[] tWidths = new int[maxT + 1];
        boolean fAtStart = false;
        boolean fAtEnd = false;
        for (long seed = 0; seed < 400; seed++) {
            Plan plan = aug.draw(frames, 80, new SplittableRandom(seed));
            assertEquals(2, plan.frequency().size());
            assertEquals(2, plan.time().size());
            for (Mask m : plan.frequency()) {
                assertTrue(m.width() >= 0 && m.width() <= 27 && m.start() >= 0 && m.start() + m.width() <= 80, m::toString);
                fWidths[m.width()]++;
                fAtStart |= m.start() == 0;
                fAtEnd |= m.start() + m.width() == 80;
            }
            for (Mask m : plan.time()) {
                assertTrue(m.width() >= 0 && m.width() <= maxT && m.start() >= 0 && m.start() + m.width() <= frames,
                        m::toString);
                tWidths[m.width()]++;
            }
            // The output shows exactly these masks (p = 1: apply draws nothing else, in the same order).
            Features out = aug.apply(FBANK, new SplittableRandom(seed));
            assertArrayEquals(expected(FBANK, plan, SENTINEL), out.data(), "seed " + seed);
            assertMasksSeenInTheOutput(out, 2, 27, 2, maxT);
        }
        // Widths uniform over 0..W, the ends included (Park et al.): 800 draws each.
        assertTrue(fWidths[0] > 0 && fWidths[27] > 0, Arrays.toString(fWidths));
        assertTrue(tWidths[0] > 0 && tWidths[maxT] > 0, Arrays.toString(tWidths));
        assertEquals(13.5, mean(fWidths), 1.5);
        assertEquals(maxT / 2.0, mean(tWidths), 2.0);
        assertTrue(fAtStart && fAtEnd, "positions reach both edges");
    }

    /** From the output alone: fully masked bins and frames form at most so many runs of bounded total width. */
    private static void assertMasksSeenInTheOutput(Features out, int freqMasks, int freqWidth, int timeMasks,
                                                   int timeWidth) {
        boolean[] bins = new boolean[out.dim()];
        for (int d = 0; d < out.dim(); d++) {
            boolean all = out.frames() > 0;
            for (int t = 0; t < out.frames() && all; t++) {
                all = out.get(t, d) == SENTINEL;
            }
            bins[d] = all;
        }
        boolean[] frames = new boolean[out.frames()];
        for (int t = 0; t < out.frames(); t++) {
            boolean all = true;
            for (int d = 0; d < out.dim() && all; d++) {
                all = out.get(t, d) == SENTINEL;
            }
            frames[t] = all;
        }
        assertTrue(runs(bins) <= freqMasks && count(bins) <= freqMasks * freqWidth, Arrays.toString(bins));
        assertTrue(runs(frames) <= timeMasks && count(frames) <= timeMasks * timeWidth, Arrays.toString(frames));
        // Every masked cell lies in a masked bin or a masked frame: nothing else was touched.
        for (int t = 0; t < out.frames(); t++) {
            for (int d = 0; d < out.dim(); d++) {
                if (out.get(t, d) == SENTINEL) {
                    assertTrue(bins[d] || frames[t], "cell " + t + "," + d);
                } else {
                    assertEquals(FBANK.get(t, d), out.get(t, d));
                }
            }
        }
    }

    @Test
    void timeMasksOfAShortUtteranceAreCappedByTheRatio() {
        Waveform half = new Waveform(Arrays.copyOf(SPEECH.samples(), Waveform.RATE / 2), Waveform.RATE);
        Features shortFbank = new FbankFrontend(FbankConfig.defaults()).extract(half);
        assertEquals(48, shortFbank.frames());
        SpecAugmentation aug = sentinel(0, 27, 2, 40, 0.2);
        int widest = 0;
        for (long seed = 0; seed < 300; seed++) {
            for (Mask m : aug.draw(shortFbank.frames(), 80, new SplittableRandom(seed)).time()) {
                assertTrue(m.width() <= 9, "0.2 x 48 frames caps a mask at 9: " + m);
                widest = Math.max(widest, m.width());
            }
        }
        assertEquals(9, widest);
        // time_ratio 0 turns time masks off: with no frequency masks the values come back untouched.
        Features none = sentinel(0, 27, 2, 40, 0.0).apply(shortFbank, new SplittableRandom(3));
        assertArrayEquals(shortFbank.data(), none.data());
    }

    @Test
    void frequencyWidthsAboveTheDimensionAreClamped() {
        Features forty = new FbankFrontend(new FbankConfig(40, null, null, null, null, null)).extract(SPEECH);
        assertEquals(40, forty.dim());
        SpecAugmentation aug = sentinel(2, 100, 0, 40, 0.2);
        int widest = 0;
        for (long seed = 0; seed < 500; seed++) {
            Plan plan = aug.draw(forty.frames(), 40, new SplittableRandom(seed));
            for (Mask m : plan.frequency()) {
                assertTrue(m.width() <= 40 && m.start() + m.width() <= 40, m::toString);
                widest = Math.max(widest, m.width());
            }
            assertArrayEquals(expected(forty, plan, SENTINEL),
                    aug.apply(forty, new SplittableRandom(seed)).data(), "seed " + seed);
        }
        assertEquals(40, widest, "a clamped width can cover the whole dimension");
    }

    @Test
    void theDefaultMaskValueIsZeroTheMeanOfNormalisedFeatures() {
        Features normalised = normalise(FBANK);
        SpecAugmentation aug = new SpecAugmentation(SpecAugmentConfig.defaults());
        Plan plan = aug.draw(normalised.frames(), normalised.dim(), new SplittableRandom(8));
        Features out = aug.apply(normalised, new SplittableRandom(8));
        assertArrayEquals(expected(normalised, plan, 0f), out.data());
        assertTrue(plan.frequency().stream().mapToInt(Mask::width).sum() > 0, "seed 8 masks some bins");
    }

    @Test
    void sameSeedSameMasksOtherSeedOtherMasks() {
        SpecAugmentation aug = new SpecAugmentation(SpecAugmentConfig.defaults());
        float[] a = aug.apply(FBANK, new SplittableRandom(42)).data();
        float[] b = aug.apply(FBANK, new SplittableRandom(42)).data();
        float[] c = aug.apply(FBANK, new SplittableRandom(43)).data();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void probabilityDecidesHowOftenItApplies() {
        SpecAugmentation never = new SpecAugmentation(new SpecAugmentConfig(0.0, null, null, null, null, null, null));
        for (long seed = 0; seed < 50; seed++) {
            assertSame(FBANK, never.apply(FBANK, new SplittableRandom(seed)));
        }
        SpecAugmentation sometimes = new SpecAugmentation(new SpecAugmentConfig(0.3, null, null, null, null, null,
                null));
        int applied = 0;
        for (long seed = 0; seed < 500; seed++) {
            if (sometimes.apply(FBANK, new SplittableRandom(seed)) != FBANK) {
                applied++;
            }
        }
        assertEquals(150, applied, 35, "applied " + applied + " of 500 at p = 0.3");
        // Applied means a new array even when every drawn width is zero.
        Features zero = sentinel(0, 0, 0, 0, 0.2).apply(FBANK, new SplittableRandom(1));
        assertNotSame(FBANK.data(), zero.data());
        assertArrayEquals(FBANK.data(), zero.data());
    }

    @Test
    void theInputIsNeverChanged() {
        float[] copy = FBANK.data().clone();
        SpecAugmentation aug = sentinel(4, 27, 4, 40, 1.0);
        for (long seed = 0; seed < 20; seed++) {
            assertNotSame(FBANK.data(), aug.apply(FBANK, new SplittableRandom(seed)).data());
        }
        assertArrayEquals(copy, FBANK.data());
    }

    @Test
    void parallelApplicationGivesTheSerialResults() throws Exception {
        SpecAugmentation aug = new SpecAugmentation(new SpecAugmentConfig(0.7, 3, 27, 3, 40, 0.2, null));
        int n = 400;
        List<float[]> serial = new ArrayList<>();
        for (long seed = 0; seed < n; seed++) {
            serial.add(aug.apply(FBANK, new SplittableRandom(seed)).data());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> parallel = new ArrayList<>();
            // Reverse order, four threads, one shared instance and one shared input.
            for (long seed = n - 1L; seed >= 0; seed--) {
                long s = seed;
                parallel.add(pool.submit(() -> aug.apply(FBANK, new SplittableRandom(s)).data()));
            }
            for (int i = 0; i < n; i++) {
                assertArrayEquals(serial.get(n - 1 - i), parallel.get(i).get(), "seed " + (n - 1 - i));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void emptyFeaturesStayEmpty() {
        Features empty = new Features(new float[0], 0, 80);
        Features out = new SpecAugmentation(SpecAugmentConfig.defaults()).apply(empty, new SplittableRandom(0));
        assertEquals(0, out.frames());
        assertEquals(80, out.dim());
    }

    private static float[] expected(Features in, Plan plan, float value) {
        float[] out = in.data().clone();
        for (int t = 0; t < in.frames(); t++) {
            for (int d = 0; d < in.dim(); d++) {
                boolean masked = false;
                for (Mask m : plan.frequency()) {
                    masked |= d >= m.start() && d < m.start() + m.width();
                }
                for (Mask m : plan.time()) {
                    masked |= t >= m.start() && t < m.start() + m.width();
                }
                if (masked) {
                    out[t * in.dim() + d] = value;
                }
            }
        }
        return out;
    }

    private static Features normalise(Features f) {
        float[] out = new float[f.data().length];
        for (int d = 0; d < f.dim(); d++) {
            double sum = 0;
            double sq = 0;
            for (int t = 0; t < f.frames(); t++) {
                sum += f.get(t, d);
                sq += f.get(t, d) * (double) f.get(t, d);
            }
            double mean = sum / f.frames();
            double std = Math.sqrt(Math.max(1e-10, sq / f.frames() - mean * mean));
            for (int t = 0; t < f.frames(); t++) {
                out[t * f.dim() + d] = (float) ((f.get(t, d) - mean) / std);
            }
        }
        return new Features(out, f.frames(), f.dim());
    }

    private static double mean(int[] histogram) {
        double sum = 0;
        long n = 0;
        for (int w = 0; w < histogram.length; w++) {
            sum += (double) w * histogram[w];
            n += histogram[w];
        }
        return sum / n;
    }

    private static int runs(boolean[] marks) {
        int runs = 0;
        for (int i = 0; i < marks.length; i++) {
            if (marks[i] && (i == 0 || !marks[i - 1])) {
                runs++;
            }
        }
        return runs;
    }

    private static int count(boolean[] marks) {
        int n = 0;
        for (boolean m : marks) {
            n += m ? 1 : 0;
        }
        return n;
    }

    static Waveform speech() {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(
                new BufferedInputStream(SpecAugmentationTest.class.getResourceAsStream("/speech.wav")))) {
            assertEquals(Waveform.RATE, in.getFormat().getSampleRate());
            ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] samples = new float[bytes.remaining() / 2];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = bytes.getShort() / 32768f;
            }
            return new Waveform(samples, Waveform.RATE);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the speech fixture", e);
        }
    }
}
