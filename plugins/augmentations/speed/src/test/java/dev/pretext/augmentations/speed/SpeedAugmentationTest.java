package dev.pretext.augmentations.speed;

import dev.pretext.api.audio.Waveform;
import dev.pretext.testkit.Signals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.BufferedInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpeedAugmentationTest {
    private static SpeedAugmentation only(double factor) {
        return new SpeedAugmentation(new SpeedConfig(List.of(factor), 1.0));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.6, 0.9, 1.1, 1.0594630943592953, 1.5, 1.9})
    void lengthIsTheInputLengthDividedByTheFactor(double factor) {
        Waveform input = Signals.noise(1.37, 0.1, 3);
        Waveform out = only(factor).apply(input, new SplittableRandom(1));
        assertEquals(Math.round(input.length() / factor), out.length(), "length at speed " + factor);
        assertEquals(input.sampleRate(), out.sampleRate());
    }

    @Test
    void a440HzToneAtSpeed1point1ComesOutAt484Hz() {
        Waveform out = only(1.1).apply(Signals.tone(440, 2.0, 0.5), new SplittableRandom(1));
        double hz = zeroCrossingFrequency(out.samples(), out.sampleRate());
        assertEquals(484.0, hz, 484.0 * 0.01, "measured " + hz + " Hz");
    }

    @Test
    void matchesTheIdealResampledToneSampleBySample() {
        // No delay and no gain change: output sample i is the input sinusoid at time i * speed.
        double speed = 0.9;
        float[] out = only(speed).apply(Signals.tone(440, 1.0, 0.5), new SplittableRandom(1)).samples();
        double error = 0;
        double signal = 0;
        for (int i = 300; i < out.length - 300; i++) {
            double ideal = 0.5 * Math.sin(2 * Math.PI * 440 * i * speed / Waveform.RATE);
            error += (out[i] - ideal) * (out[i] - ideal);
            signal += ideal * ideal;
        }
        double snrDb = 10 * Math.log10(signal / error);
        assertTrue(snrDb > 60, "SNR against the ideal tone " + snrDb + " dB");
    }

    @Test
    void speechSurvivesARoundTrip() throws Exception {
        Waveform speech = speech();
        Waveform slow = only(0.9).apply(speech, new SplittableRandom(1));
        Waveform back = only(1 / 0.9).apply(slow, new SplittableRandom(1));
        assertEquals(speech.length(), back.length());
        double error = 0;
        double signal = 0;
        for (int i = 0; i < Math.min(speech.length(), back.length()); i++) {
            double d = speech.samples()[i] - back.samples()[i];
            error += d * d;
            signal += speech.samples()[i] * (double) speech.samples()[i];
        }
        double snrDb = 10 * Math.log10(signal / error);
        // Each pass keeps what lies below 91% of the lower Nyquist frequency (7.3 kHz here) and removes what lies
        // above it, about -30 dB of this clip's energy: that caps the round trip near 32 dB. A one-sample
        // misalignment alone would bring it under 10 dB.
        assertTrue(snrDb > 29, "round-trip SNR " + snrDb + " dB");
        assertEquals(Signals.rms(speech.samples()), Signals.rms(slow.samples()), 0.02 * Signals.rms(speech.samples()));
    }

    @Test
    void sameSeedSameOutputAndEveryFactorGetsPicked() {
        SpeedAugmentation speed = new SpeedAugmentation(SpeedConfig.defaults());
        Waveform input = Signals.chirp(100, 4000, 0.5, 0.4);
        Set<Integer> lengths = new HashSet<>();
        for (long seed = 0; seed < 30; seed++) {
            Waveform a = speed.apply(input, new SplittableRandom(seed));
            Waveform b = speed.apply(input, new SplittableRandom(seed));
            assertArrayEquals(a.samples(), b.samples(), "seed " + seed);
            lengths.add(a.length());
        }
        assertEquals(Set.of(8889, 8000, 7273), lengths, "lengths of 0.9x, 1.0x and 1.1x");
    }

    @Test
    void pZeroLeavesTheAudioAlone() {
        SpeedAugmentation never = new SpeedAugmentation(new SpeedConfig(List.of(0.9, 1.1), 0.0));
        Waveform input = Signals.noise(0.5, 0.1, 1);
        for (long seed = 0; seed < 20; seed++) {
            assertSame(input, never.apply(input, new SplittableRandom(seed)));
        }
    }

    @Test
    void pHalfPerturbsAboutHalfTheCalls() {
        SpeedAugmentation half = new SpeedAugmentation(new SpeedConfig(List.of(1.1), 0.5));
        Waveform input = Signals.noise(0.1, 0.1, 1);
        int changed = 0;
        for (long seed = 0; seed < 400; seed++) {
            if (half.apply(input, new SplittableRandom(seed)) != input) {
                changed++;
            }
        }
        assertTrue(changed > 160 && changed < 240, changed + " of 400 perturbed");
    }

    @Test
    void factorOneIsTheIdentity() {
        Waveform input = Signals.noise(0.3, 0.1, 2);
        assertSame(input, only(1.0).apply(input, new SplittableRandom(0)));
    }

    @Test
    void tinyAndEmptyInputsDoNotBreak() {
        assertEquals(0, only(1.1).apply(new Waveform(new float[0], Waveform.RATE), new SplittableRandom(0)).length());
        assertEquals(Math.round(5 / 0.9), only(0.9).apply(new Waveform(new float[5], Waveform.RATE),
                new SplittableRandom(0)).length());
    }

    @Test
    void outputStaysWithinFullScale() {
        // A full-scale square wave rings when resampled; the result is clipped back into [-1, 1].
        float[] square = new float[8000];
        for (int i = 0; i < square.length; i++) {
            square[i] = (i / 40) % 2 == 0 ? 1f : -1f;
        }
        float[] out = only(1.3).apply(new Waveform(square, Waveform.RATE), new SplittableRandom(0)).samples();
        float max = 0;
        for (float v : out) {
            max = Math.max(max, Math.abs(v));
        }
        assertEquals(1f, max, "peaks are clipped at full scale");
    }

    @Test
    void parallelCallsMatchSequentialOnes() throws Exception {
        SpeedAugmentation speed = new SpeedAugmentation(new SpeedConfig(List.of(0.8, 0.9, 1.1, 1.25), 1.0));
        Waveform input = Signals.chirp(200, 6000, 0.8, 0.5);
        List<float[]> expected = new ArrayList<>();
        for (long seed = 0; seed < 16; seed++) {
            expected.add(speed.apply(input, new SplittableRandom(seed)).samples());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                long seed = i % 16;
                results.add(pool.submit(() -> speed.apply(input, new SplittableRandom(seed)).samples()));
            }
            for (int i = 0; i < results.size(); i++) {
                assertArrayEquals(expected.get(i % 16), results.get(i).get(), "call " + i);
            }
        } finally {
            pool.shutdownNow();
        }
        assertFalse(expected.get(0).length == input.length() && expected.get(1).length == input.length());
    }

    /** Frequency from the positive-going zero crossings, located by linear interpolation. */
    static double zeroCrossingFrequency(float[] x, int rate) {
        double first = -1;
        double last = -1;
        int crossings = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i - 1] < 0 && x[i] >= 0) {
                double t = (i - 1) + x[i - 1] / (double) (x[i - 1] - x[i]);
                if (first < 0) {
                    first = t;
                }
                last = t;
                crossings++;
            }
        }
        return (crossings - 1) * rate / (last - first);
    }

    private static Waveform speech() throws Exception {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(
                new BufferedInputStream(SpeedAugmentationTest.class.getResourceAsStream("/speech.wav")))) {
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
