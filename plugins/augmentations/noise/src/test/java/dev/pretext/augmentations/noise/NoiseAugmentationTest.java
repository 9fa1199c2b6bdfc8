package dev.pretext.augmentations.noise;

import dev.pretext.api.audio.Waveform;
import dev.pretext.dsp.Fft;
import dev.pretext.testkit.Signals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoiseAugmentationTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"white", "pink", "brown"})
    void measuredSnrIsTheDrawnOne(String colour) throws Exception {
        NoiseAugmentation noise = new NoiseAugmentation(new NoiseConfig(List.of(-5.0, 30.0), null, colour, 1.0));
        // At a quarter of its level the speech leaves headroom, so no mixture here needs scaling down (that case
        // is loudMixturesAreScaledDownNotClipped).
        Waveform speech = scaled(speech(), 0.25f);
        double worst = 0;
        for (long seed = 0; seed < 20; seed++) {
            double drawn = noise.drawSnrDb(new SplittableRandom(seed));
            Waveform out = noise.apply(speech, new SplittableRandom(seed));
            worst = Math.max(worst, Math.abs(snrDb(speech.samples(), out.samples()) - drawn));
        }
        System.out.printf("noise %s: worst |measured - drawn SNR| %.4f dB over 20 draws in [-5, 30]%n", colour, worst);
        assertEquals(0, worst, 0.1);
    }

    @Test
    void noiseFromAFolderHitsTheSnrCroppedOrLooped() throws Exception {
        // Real recordings: a short and a long clip cut from the espeak speech (babble-like noise), plus files that
        // must be skipped: the wrong rate, stereo, 24-bit, not a WAV at all.
        float[] speech = speech().samples();
        writeWav(tmp.resolve("short.wav"), Arrays.copyOfRange(speech, 8000, 12000), 16000, 1);
        Files.createDirectories(tmp.resolve("sub"));
        writeWav(tmp.resolve("sub/long.wav"), speech, 16000, 1);
        writeWav(tmp.resolve("cd.wav"), speech, 44100, 1);
        writeWav(tmp.resolve("stereo.wav"), speech, 16000, 2);
        Files.writeString(tmp.resolve("notes.wav"), "not audio");
        NoiseAugmentation noise = new NoiseAugmentation(new NoiseConfig(List.of(0.0, 20.0), tmp.toString(), null, 1.0));
        assertEquals(List.of("cd.wav: 44100 Hz (need 16000 Hz)", "notes.wav: not a RIFF/WAVE file",
                "stereo.wav: 2 channels (need mono)"), noise.skippedFiles());
        Waveform utterance = Signals.chirp(200, 3000, 1.0, 0.1); // 16000 samples: loops short.wav, crops long.wav
        for (long seed = 0; seed < 20; seed++) {
            double drawn = noise.drawSnrDb(new SplittableRandom(seed));
            Waveform out = noise.apply(utterance, new SplittableRandom(seed));
            assertEquals(drawn, snrDb(utterance.samples(), out.samples()), 0.1, "seed " + seed);
        }
    }

    @Test
    void aFolderWithoutUsableFilesIsAClearError() throws Exception {
        writeWav(tmp.resolve("cd.wav"), new float[100], 44100, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NoiseAugmentation(new NoiseConfig(null, tmp.toString(), null, null)));
        assertEquals("dir " + tmp.toAbsolutePath() + " has no usable noise file: none of its 1 .wav files is usable "
                + "(cd.wav: 44100 Hz (need 16000 Hz)). Noise files must be 16 kHz mono WAV, 16-bit PCM or 32-bit float",
                e.getMessage());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        e = assertThrows(IllegalArgumentException.class,
                () -> new NoiseAugmentation(new NoiseConfig(null, empty.toString(), null, null)));
        assertTrue(e.getMessage().contains("has no usable noise file: it holds no .wav file"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new NoiseAugmentation(new NoiseConfig(null, tmp.resolve("missing").toString(), null, null)));
        assertTrue(e.getMessage().endsWith("missing does not exist: point dir at a folder of 16 kHz mono WAV noise files"),
                e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"white, 0", "pink, -3.01", "brown, -6.02"})
    void coloursHaveTheirSpectralSlope(String colour, double dbPerOctave) {
        // Welch estimate (1024-point Hann frames, half overlap) of 8 s of noise; mean density per octave band
        // centred on 125 Hz .. 4 kHz; least-squares slope in dB per octave.
        double[] x = ColouredNoise.generate(colour, 8 * 16000, 16000, new SplittableRandom(5));
        int size = 1024;
        Fft fft = new Fft(size);
        double[] psd = new double[size / 2 + 1];
        for (int start = 0; start + size <= x.length; start += size / 2) {
            double[] re = new double[size];
            double[] im = new double[size];
            for (int i = 0; i < size; i++) {
                re[i] = x[start + i] * (0.5 - 0.5 * Math.cos(2 * Math.PI * i / size));
            }
            fft.forward(re, im);
            for (int k = 0; k <= size / 2; k++) {
                psd[k] += re[k] * re[k] + im[k] * im[k];
            }
        }
        int bands = 6;
        double[] octave = new double[bands];
        double[] level = new double[bands];
        for (int b = 0; b < bands; b++) {
            double centre = 125 * Math.pow(2, b);
            double sum = 0;
            int count = 0;
            for (int k = 1; k <= size / 2; k++) {
                double hz = k * 16000.0 / size;
                if (hz >= centre / Math.sqrt(2) && hz < centre * Math.sqrt(2)) {
                    sum += psd[k];
                    count++;
                }
            }
            octave[b] = b;
            level[b] = 10 * Math.log10(sum / count);
        }
        double slope = slope(octave, level);
        System.out.printf("noise %s: spectral slope %.2f dB/octave (ideal %.2f)%n", colour, slope, dbPerOctave);
        assertEquals(dbPerOctave, slope, 0.5);
    }

    @Test
    void loudMixturesAreScaledDownNotClipped() {
        NoiseAugmentation noise = new NoiseAugmentation(new NoiseConfig(List.of(0.0, 0.0), null, "white", 1.0));
        Waveform loud = Signals.tone(300, 0.5, 0.99);
        float[] out = noise.apply(loud, new SplittableRandom(1)).samples();
        double peak = 0;
        for (float v : out) {
            peak = Math.max(peak, Math.abs(v));
        }
        assertEquals(1.0, peak, 1e-6, "the loudest sample sits at full scale");
        // The whole mixture was scaled by one factor: undo it by projection, the SNR is still the drawn 0 dB.
        double dot = 0;
        double energy = 0;
        for (int i = 0; i < out.length; i++) {
            dot += out[i] * (double) loud.samples()[i];
            energy += loud.samples()[i] * (double) loud.samples()[i];
        }
        float[] scaled = loud.samples().clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] *= (float) (dot / energy);
        }
        assertEquals(0.0, snrDb(scaled, out), 0.2);
    }

    @Test
    void determinismAndP() throws Exception {
        NoiseAugmentation noise = new NoiseAugmentation(new NoiseConfig(null, null, "pink", 1.0));
        Waveform speech = speech();
        float[] a = noise.apply(speech, new SplittableRandom(7)).samples();
        assertArrayEquals(a, noise.apply(speech, new SplittableRandom(7)).samples());
        assertFalse(Arrays.equals(a, noise.apply(speech, new SplittableRandom(8)).samples()));
        NoiseAugmentation never = new NoiseAugmentation(new NoiseConfig(null, null, "brown", 0.0));
        for (long seed = 0; seed < 20; seed++) {
            assertSame(speech, never.apply(speech, new SplittableRandom(seed)));
        }
        Waveform silence = new Waveform(new float[800], 16000);
        assertSame(silence, noise.apply(silence, new SplittableRandom(1)), "silence has no SNR: left alone");
        assertEquals(0, noise.apply(new Waveform(new float[0], 16000), new SplittableRandom(1)).length());
        NoiseAugmentation half = new NoiseAugmentation(new NoiseConfig(null, null, null, 0.5));
        int changed = 0;
        Waveform shortTone = Signals.tone(200, 0.05, 0.5);
        for (long seed = 0; seed < 400; seed++) {
            if (half.apply(shortTone, new SplittableRandom(seed)) != shortTone) {
                changed++;
            }
        }
        assertTrue(changed > 160 && changed < 240, changed + " of 400 changed");
    }

    @Test
    void parallelCallsMatchSequentialOnes() throws Exception {
        float[] speech = speech().samples();
        writeWav(tmp.resolve("a.wav"), speech, 16000, 1);
        NoiseAugmentation noise = new NoiseAugmentation(new NoiseConfig(null, tmp.toString(), null, 1.0));
        Waveform input = Signals.chirp(200, 3000, 0.8, 0.3);
        List<float[]> expected = new ArrayList<>();
        for (long seed = 0; seed < 8; seed++) {
            expected.add(noise.apply(input, new SplittableRandom(seed)).samples());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                long seed = i % 8;
                results.add(pool.submit(() -> noise.apply(input, new SplittableRandom(seed)).samples()));
            }
            for (int i = 0; i < results.size(); i++) {
                assertArrayEquals(expected.get(i % 8), results.get(i).get(), "call " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static Waveform scaled(Waveform w, float factor) {
        float[] x = w.samples().clone();
        for (int i = 0; i < x.length; i++) {
            x[i] *= factor;
        }
        return new Waveform(x, w.sampleRate());
    }

    static double snrDb(float[] clean, float[] noisy) {
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < clean.length; i++) {
            signal += clean[i] * (double) clean[i];
            double d = noisy[i] - (double) clean[i];
            noise += d * d;
        }
        return 10 * Math.log10(signal / noise);
    }

    static double slope(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElseThrow();
        double my = Arrays.stream(y).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxy / sxx;
    }

    /** A 16-bit PCM WAV; with two channels both carry the same signal. */
    static void writeWav(Path path, float[] samples, int rate, int channels) throws IOException {
        int dataBytes = samples.length * 2 * channels;
        ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + dataBytes).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) channels).putInt(rate)
                .putInt(rate * 2 * channels).putShort((short) (2 * channels)).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
        for (float v : samples) {
            short s = (short) Math.max(-32768, Math.min(32767, Math.round(v * 32768)));
            for (int c = 0; c < channels; c++) {
                b.putShort(s);
            }
        }
        Files.write(path, b.array());
    }

    static Waveform speech() throws Exception {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(
                new BufferedInputStream(NoiseAugmentationTest.class.getResourceAsStream("/speech.wav")))) {
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
