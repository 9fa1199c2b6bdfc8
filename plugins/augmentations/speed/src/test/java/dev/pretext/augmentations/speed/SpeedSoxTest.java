package dev.pretext.augmentations.speed;

import dev.pretext.api.audio.Waveform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bundle against SoX's own {@code speed} effect, from fixtures made once by
 * {@code src/test/python/make_sox_fixtures.py} (SoX 14.4.2, default "high" quality rate, no dither): SoX is not
 * needed at test time. SoX's output sample n is the band-limited input at time {@code n * factor}, with no delay
 * (its linear-phase filters are delay-compensated), and it has {@code round(length / factor)} samples; the
 * bundle does the same, so the outputs are compared sample for sample without any alignment. A shift of a
 * twentieth of a sample alone would cap the agreement near 33 dB on speech.
 *
 * <p>The bar is 40 dB on speech for every factor; the bundle's filter is specified like SoX's, so it
 * reaches 73-79 dB, near what SoX's rounding to 16 bits (about -80 dB for these clips) and the small differences of
 * its two-stage design leave. Two speech clips: an
 * espeak-ng sentence with much energy near 7 kHz (-24 dB of its total between 6 and 7 kHz: what an
 * anti-aliasing filter that differs from SoX's gets wrong first) and two seconds of a human reader (LibriVox).
 * Factors 0.9 and 1.1 are small fractions, which the resampler tables exactly; 2^(1/12) is irrational, so both
 * SoX and the bundle interpolate between filter phases. Rational factors are also checked with interpolation
 * forced, so that path is held to SoX on every case too.
 */
class SpeedSoxTest {
    /** The requirement for speech. */
    private static final double SPEECH_FLOOR_DB = 40;
    /** A clean chirp to 6 kHz leaves no excuse: anything near the speech floor would be a bug. */
    private static final double CHIRP_FLOOR_DB = 60;
    private static final String SEMITONE = "1.0594630943592953"; // 2^(1/12)

    static Stream<Arguments> cases() {
        return Stream.of("speech", "librivox", "chirp")
                .flatMap(clip -> Stream.of("0.9", "1.1", SEMITONE).map(factor -> Arguments.of(clip, factor)));
    }

    @ParameterizedTest(name = "{0} at speed {1}")
    @MethodSource("cases")
    void agreesWithSoxSpeed(String clip, String factor) throws Exception {
        Waveform in = read(clip.equals("speech") ? "/speech.wav" : "/sox/" + clip + ".wav");
        float[] sox = read("/sox/" + clip + "_speed_" + factor + ".wav").samples();
        double speed = Double.parseDouble(factor);
        double floor = clip.equals("chirp") ? CHIRP_FLOOR_DB : SPEECH_FLOOR_DB;

        float[] ours = new SpeedAugmentation(new SpeedConfig(List.of(speed), 1.0)).apply(in, new SplittableRandom(0))
                .samples();
        assertEquals(sox.length, ours.length, "length: SoX gives round(length / factor)");
        double snrDb = snrDb(sox, ours);
        // The table the augmentation does not use for this factor: interpolated phases for a rational one.
        SincResampler other = new SincResampler(speed, false);
        double interpolatedDb = snrDb(sox, other.resample(in.samples(), sox.length));
        System.out.printf("speed %s on %s: SNR against sox %.1f dB (%s table), %.1f dB interpolated%n", factor, clip,
                snrDb, SincResampler.denominator(speed) > 0 ? "exact" : "interpolated", interpolatedDb);
        assertTrue(snrDb >= floor, clip + " at " + factor + ": SNR against sox " + snrDb + " dB, wanted " + floor);
        assertTrue(interpolatedDb >= floor,
                clip + " at " + factor + ", interpolated phases: SNR against sox " + interpolatedDb + " dB");
    }

    @Test
    void theFactorsTableExactlyOnlyWhenTheyAreSmallFractions() {
        // Guards the test above: it covers both paths only while this holds.
        assertEquals(10, SincResampler.denominator(0.9));
        assertEquals(10, SincResampler.denominator(1.1));
        assertEquals(0, SincResampler.denominator(Double.parseDouble(SEMITONE)));
        assertTrue(new SincResampler(0.9).exact());
        assertFalse(new SincResampler(Double.parseDouble(SEMITONE)).exact());
        assertFalse(new SincResampler(0.9, false).exact());
    }

    /** Energy of {@code reference} over energy of the difference, in dB, over the common length. */
    static double snrDb(float[] reference, float[] ours) {
        int n = Math.min(reference.length, ours.length);
        double signal = 0;
        double error = 0;
        for (int i = 0; i < n; i++) {
            signal += reference[i] * (double) reference[i];
            double d = reference[i] - (double) ours[i];
            error += d * d;
        }
        return 10 * Math.log10(signal / error);
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
