package dev.pretext.core.data;

import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Augmentation;
import dev.pretext.api.data.Dataset;
import dev.pretext.api.data.FeatureAugmentation;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.model.Frontend;

import java.io.BufferedInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/** Real speech (an espeak-ng clip, 2.4 s) cut into utterances, and small real plugins around it (probe tests too). */
public final class SpeechFixture {
    public static final float[] SPEECH = read();

    private SpeechFixture() {
    }

    private static float[] read() {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(
                new BufferedInputStream(SpeechFixture.class.getResourceAsStream("/speech.wav")))) {
            ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] samples = new float[bytes.remaining() / 2];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = bytes.getShort() / 32768f;
            }
            return samples;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the speech fixture", e);
        }
    }

    /**
     * Utterance {@code s<start>-<length>} is the clip's samples from start (in ms) for length ms; each call
     * decodes a fresh copy, as a dataset reading files does.
     */
    static final class Slices implements Dataset {
        final List<Utterance> utterances = new ArrayList<>();
        final AtomicInteger reads = new AtomicInteger();

        Slices(int... startAndLengthMs) {
            for (int i = 0; i < startAndLengthMs.length; i += 2) {
                String id = "s" + startAndLengthMs[i] + "-" + startAndLengthMs[i + 1];
                utterances.add(new Utterance(id, Path.of(id + ".wav"), startAndLengthMs[i + 1] / 1000.0, null,
                        null, null));
            }
        }

        /** Eight utterances from 0.6 to 2.3 s: with 1.5 s crops, some are cropped and some are whole. */
        static Slices standard() {
            return new Slices(0, 600, 100, 900, 300, 1200, 0, 1500, 200, 1700, 50, 2000, 400, 1900, 0, 2300);
        }

        @Override
        public List<Utterance> utterances() {
            return utterances;
        }

        @Override
        public Waveform audio(Utterance u) {
            reads.incrementAndGet();
            String[] parts = u.id().substring(1).split("-", -1);
            int start = Integer.parseInt(parts[0]) * 16;
            int length = Integer.parseInt(parts[1]) * 16;
            return new Waveform(Arrays.copyOfRange(SPEECH, start, start + length), Waveform.RATE);
        }
    }

    /**
     * Log energies of {@code bands} equal slices of each 25 ms frame, every 10 ms: cheap features that follow the
     * speech (the fbank frontend proper is a plugin); counts its calls.
     */
    public static final class Bands implements Frontend {
        final int bands;
        final AtomicInteger extracted = new AtomicInteger();

        public Bands(int bands) {
            this.bands = bands;
        }

        @Override
        public FeatureSpec spec() {
            return new FeatureSpec(bands, 100);
        }

        @Override
        public Features extract(Waveform w) {
            extracted.incrementAndGet();
            float[] x = w.samples();
            int frames = x.length < 400 ? 0 : 1 + (x.length - 400) / 160;
            float[] out = new float[frames * bands];
            for (int t = 0; t < frames; t++) {
                for (int b = 0; b < bands; b++) {
                    int from = t * 160 + b * 400 / bands;
                    int to = t * 160 + (b + 1) * 400 / bands;
                    double energy = 0;
                    for (int i = from; i < to; i++) {
                        energy += x[i] * x[i];
                    }
                    out[t * bands + b] = (float) Math.log(energy / Math.max(1, to - from) + 1e-6);
                }
            }
            return new Features(out, frames, bands);
        }

        @Override
        public double flopsPerFrame() {
            return 0;
        }
    }

    /** A gain of -6..+6 dB with probability p; the input itself when it does not apply. */
    record Gain(double p) implements Augmentation {
        @Override
        public Waveform apply(Waveform input, RandomGenerator rng) {
            if (rng.nextDouble() >= p) {
                return input;
            }
            float g = (float) Math.pow(10, (rng.nextDouble() * 12 - 6) / 20);
            float[] out = input.samples().clone();
            for (int i = 0; i < out.length; i++) {
                out[i] *= g;
            }
            return new Waveform(out, input.sampleRate());
        }
    }

    /** Sets a random run of up to {@code width} frames to {@code value}. */
    record FrameMask(int width, float value) implements FeatureAugmentation {
        @Override
        public Features apply(Features input, RandomGenerator rng) {
            float[] out = input.data().clone();
            int w = Math.min(rng.nextInt(width + 1), input.frames());
            int t0 = rng.nextInt(input.frames() - w + 1);
            Arrays.fill(out, t0 * input.dim(), (t0 + w) * input.dim(), value);
            return new Features(out, input.frames(), input.dim());
        }
    }
}
