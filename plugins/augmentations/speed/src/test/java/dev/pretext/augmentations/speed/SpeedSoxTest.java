package dev.pretext.augmentations.speed;

import dev.pretext.api.audio.Waveform;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bundle against SoX's own {@code speed} effect, from fixtures made once by
 * {@code src/test/python/make_sox_fixtures.py} (SoX 14.4.2, default "high" quality rate, no dither): SoX is not
 * needed at test time. Both resamplers are linear-phase windowed-sinc filters without delay, so the outputs
 * line up sample for sample; what differs is the anti-aliasing filter. SoX's passes 95% of the band, TarsosDSP's
 * (libresample) starts rolling off lower, so the two disagree only in the top ~1.5 kHz. The espeak clip keeps a lot
 * of energy there (-24 dB of its total between 6 and 7 kHz), which caps the full-band agreement at 31-34 dB; below
 * 6 kHz the outputs agree to 58-72 dB. The chirp stops at 6 kHz and agrees to 45-55 dB over the full band.
 */
class SpeedSoxTest {
    /** Where both filters are flat: the band the band-limited comparison looks at. */
    private static final double SHARED_BAND_HZ = 6000;

    @ParameterizedTest(name = "{1} at speed {2}")
    @CsvSource({
            // input,       clip,   factor, full-band SNR floor, below-6-kHz SNR floor (dB)
            "/speech.wav,    speech, 0.9,    30,                  55",
            "/speech.wav,    speech, 1.1,    30,                  55",
            "/sox/chirp.wav, chirp,  0.9,    40,                  50",
            "/sox/chirp.wav, chirp,  1.1,    40,                  50"})
    void agreesWithSoxSpeed(String input, String clip, String factor, double minSnrDb, double minBandSnrDb)
            throws Exception {
        Waveform in = read(input);
        float[] sox = read("/sox/" + clip + "_speed_" + factor + ".wav").samples();
        float[] ours = new SpeedAugmentation(SpeedConfig.defaults()).perturb(in, Double.parseDouble(factor)).samples();
        assertEquals(sox.length, ours.length, 1.0, "lengths differ by more than a sample");
        int n = Math.min(sox.length, ours.length);
        double signal = 0;
        double error = 0;
        for (int i = 0; i < n; i++) {
            signal += sox[i] * (double) sox[i];
            double d = sox[i] - (double) ours[i];
            error += d * d;
        }
        double snrDb = 10 * Math.log10(signal / error);
        double bandSnrDb = bandSnrDb(sox, ours, n, SHARED_BAND_HZ);
        System.out.printf("speed %s on %s: SNR against sox %.1f dB full band, %.1f dB below %.0f Hz%n",
                factor, clip, snrDb, bandSnrDb, SHARED_BAND_HZ);
        assertTrue(snrDb >= minSnrDb, clip + " at " + factor + ": SNR against sox " + snrDb + " dB");
        assertTrue(bandSnrDb >= minBandSnrDb,
                clip + " at " + factor + ": SNR against sox below " + SHARED_BAND_HZ + " Hz " + bandSnrDb + " dB");
    }

    /** SNR of {@code ours} against {@code reference} counting only DFT bins below {@code hz} (Parseval). */
    static double bandSnrDb(float[] reference, float[] ours, int n, double hz) {
        int size = Integer.highestOneBit(Math.max(1, n - 1)) << 1;
        double[] sr = new double[size];
        double[] si = new double[size];
        double[] er = new double[size];
        double[] ei = new double[size];
        for (int i = 0; i < n; i++) {
            sr[i] = reference[i];
            er[i] = reference[i] - (double) ours[i];
        }
        fft(sr, si);
        fft(er, ei);
        int top = (int) Math.floor(hz * size / Waveform.RATE);
        double signal = 0;
        double error = 0;
        for (int k = 1; k <= top; k++) { // DC is absent from both clips
            signal += sr[k] * sr[k] + si[k] * si[k];
            error += er[k] * er[k] + ei[k] * ei[k];
        }
        return 10 * Math.log10(signal / error);
    }

    /** In-place radix-2 decimation-in-time FFT; the length must be a power of two. */
    static void fft(double[] re, double[] im) {
        int n = re.length;
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j |= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            double angle = -2 * Math.PI / len;
            for (int start = 0; start < n; start += len) {
                for (int k = 0; k < len / 2; k++) {
                    double wr = Math.cos(angle * k);
                    double wi = Math.sin(angle * k);
                    int a = start + k;
                    int b = a + len / 2;
                    double xr = re[b] * wr - im[b] * wi;
                    double xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
            }
        }
    }

    static Waveform read(String resource) throws Exception {
        InputStream stream = SpeedSoxTest.class.getResourceAsStream(resource);
        assertNotNull(stream, "missing test resource " + resource + ": run src/test/python/make_sox_fixtures.py");
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new BufferedInputStream(stream))) {
            assertEquals(Waveform.RATE, in.getFormat().getSampleRate());
            assertEquals(16, in.getFormat().getSampleSizeInBits());
            assertEquals(1, in.getFormat().getChannels());
            ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] samples = new float[bytes.remaining() / 2];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = bytes.getShort() / 32768f;
            }
            return new Waveform(samples, Waveform.RATE);
        }
    }
}
