package dev.pretext.objectives.hubert.targets;

import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.testkit.Signals;
import org.junit.jupiter.api.Test;

import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MFCC against torchaudio (src/test/python/make_fixtures.py), and properties that hold for any input. */
class MfccTest {
    private final Mfcc mfcc = new Mfcc();

    @Test
    void matchesTorchaudioOnSpeechAndAChirp() throws Exception {
        for (String clip : new String[]{"speech", "chirp"}) {
            Waveform w = wav(clip + ".wav");
            Features expected = reference(clip + ".f32");
            Features actual = mfcc.compute(w);
            assertEquals(expected.frames(), actual.frames(), clip + ": frame count");
            assertEquals(Mfcc.DIM, actual.dim());
            double[] worst = new double[3];
            double[] sum = new double[3];
            for (int t = 0; t < actual.frames(); t++) {
                for (int d = 0; d < Mfcc.DIM; d++) {
                    double diff = Math.abs(actual.get(t, d) - expected.get(t, d));
                    worst[d / Mfcc.CEPSTRA] = Math.max(worst[d / Mfcc.CEPSTRA], diff);
                    sum[d / Mfcc.CEPSTRA] += diff;
                }
            }
            int n = actual.frames() * Mfcc.CEPSTRA;
            System.err.printf("mfcc vs torchaudio, %s (%d frames): max |diff| cepstra %.2e, deltas %.2e, "
                            + "delta-deltas %.2e; mean %.2e, %.2e, %.2e%n", clip, actual.frames(), worst[0], worst[1],
                    worst[2], sum[0] / n, sum[1] / n, sum[2] / n);
            // float32 output of values up to ~80: a few ulps of the largest cepstra
            assertTrue(worst[0] < 1e-3 && worst[1] < 1e-3 && worst[2] < 1e-3,
                    clip + ": max |diff| " + worst[0] + ", " + worst[1] + ", " + worst[2]);
        }
    }

    @Test
    void frameCountFollowsSnipEdges() {
        assertEquals(0, Mfcc.frameCount(399));
        assertEquals(1, Mfcc.frameCount(400));
        assertEquals(1, Mfcc.frameCount(559));
        assertEquals(2, Mfcc.frameCount(560));
        assertEquals(98, Mfcc.frameCount(16_000));
        assertEquals(0, mfcc.compute(new Waveform(new float[300], Waveform.RATE)).frames());
        assertEquals(0.0125, Mfcc.frameCentreSeconds(0), 1e-12);
        assertEquals(0.0225, Mfcc.frameCentreSeconds(1), 1e-12);
    }

    @Test
    void aSteadyToneHasNoDeltas() {
        Features tone = mfcc.compute(Signals.tone(1000, 1.0, 0.5));
        for (int t = 5; t < tone.frames() - 5; t++) {
            for (int d = Mfcc.CEPSTRA; d < Mfcc.DIM; d++) {
                assertEquals(0, tone.get(t, d), 1e-3, "frame " + t + " dim " + d);
            }
        }
    }

    @Test
    void tenTimesTheAmplitudeOnlyRaisesTheFirstCepstrum() {
        Waveform quiet = Signals.noise(0.5, 0.01, 3);
        float[] x = quiet.samples().clone();
        for (int i = 0; i < x.length; i++) {
            x[i] *= 10;
        }
        Features a = mfcc.compute(quiet);
        Features b = mfcc.compute(new Waveform(x, Waveform.RATE));
        // 20 dB more power adds ln(100) to every log-mel band: c0 (basis sqrt(1/23), lifter 1) grows by
        // ln(100) * 23 / sqrt(23); the other basis rows sum to zero, and the deltas do not change
        double expected = Math.log(100) * Math.sqrt(Mfcc.MEL_BINS);
        for (int t = 0; t < a.frames(); t++) {
            assertEquals(expected, b.get(t, 0) - a.get(t, 0), 1e-3, "frame " + t);
            for (int d = 1; d < Mfcc.DIM; d++) {
                assertEquals(a.get(t, d), b.get(t, d), 1e-3, "frame " + t + " dim " + d);
            }
        }
    }

    private static InputStream open(String name) {
        InputStream in = MfccTest.class.getResourceAsStream("/mfcc/" + name);
        assertNotNull(in, "missing test resource mfcc/" + name + ": run src/test/python/make_fixtures.py");
        return in;
    }

    static Waveform wav(String name) throws Exception {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new BufferedInputStream(open(name)))) {
            byte[] bytes = in.readAllBytes();
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            float[] x = new float[bytes.length / 2];
            for (int i = 0; i < x.length; i++) {
                x[i] = buf.getShort() / 32768f;
            }
            return new Waveform(x, (int) in.getFormat().getSampleRate());
        }
    }

    private static Features reference(String name) throws Exception {
        try (InputStream in = open(name)) {
            ByteBuffer buf = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            byte[] magic = new byte[4];
            buf.get(magic);
            assertEquals("MFC1", new String(magic, java.nio.charset.StandardCharsets.US_ASCII));
            int frames = buf.getInt();
            int dim = buf.getInt();
            float[] data = new float[frames * dim];
            buf.asFloatBuffer().get(data);
            return new Features(data, frames, dim);
        }
    }
}
