package dev.pretext.core.data;

import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.SkippedFile;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.model.Frontend;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ShortUtterancesTest {
    /** Two 25 ms frames side by side at half the rate, as fbank's {@code stack: 2} does. */
    record Stacked(Frontend inner) implements Frontend {
        @Override
        public FeatureSpec spec() {
            return new FeatureSpec(2 * inner.spec().dim(), inner.spec().frameRateHz() / 2);
        }

        @Override
        public Features extract(Waveform w) {
            Features f = inner.extract(w);
            int frames = f.frames() / 2;
            return new Features(Arrays.copyOf(f.data(), frames * 2 * f.dim()), frames, 2 * f.dim());
        }

        @Override
        public double flopsPerFrame() {
            return 0;
        }
    }

    /** Refuses input shorter than its window instead of returning no frames. */
    record Strict(Frontend inner) implements Frontend {
        @Override
        public FeatureSpec spec() {
            return inner.spec();
        }

        @Override
        public Features extract(Waveform w) {
            if (w.length() < 400) {
                throw new IllegalArgumentException("need 400 samples");
            }
            return inner.extract(w);
        }

        @Override
        public double flopsPerFrame() {
            return 0;
        }
    }

    private static Utterance utterance(String id, long samples) {
        return new Utterance(id, Path.of("/corpus/" + id + ".wav"), samples / (double) Waveform.RATE, null, null, null);
    }

    @Test
    void theMinimumIsWhatTheFrontendNeedsForOneFrame() {
        SpeechFixture.Bands bands = new SpeechFixture.Bands(8);
        assertEquals(400, ShortUtterances.minimumSamples(bands), "one 25 ms window");
        assertEquals(560, ShortUtterances.minimumSamples(new Stacked(bands)), "two windows 10 ms apart");
        assertEquals(400, ShortUtterances.minimumSamples(new Strict(bands)), "a refusal counts as no frame");
        // The bisection's answer is exact: one sample less makes no frame.
        assertEquals(0, new Stacked(bands).extract(new Waveform(new float[559], Waveform.RATE)).frames());
        assertEquals(1, new Stacked(bands).extract(new Waveform(new float[560], Waveform.RATE)).frames());
    }

    @Test
    void utterancesShorterThanAFrameAreLeftOutWithAReasonAndTheRestKeptInOrder() {
        List<Utterance> all = List.of(utterance("long", 16000), utterance("one", 1), utterance("ten-ms", 160),
                utterance("window", 400), utterance("stack", 560), utterance("short-of-stack", 559));
        ShortUtterances.Split plain = ShortUtterances.split(all, new SpeechFixture.Bands(8), "bands");
        assertEquals(List.of("long", "window", "stack", "short-of-stack"),
                plain.kept().stream().map(Utterance::id).toList());
        assertEquals(List.of(new SkippedFile("/corpus/one.wav", "too short for the frontend: 0.1 ms of audio (1 "
                        + "sample at 16 kHz), and bands makes its first frame from 25.0 ms (400 samples); remove it "
                        + "or join it to a longer recording"),
                new SkippedFile("/corpus/ten-ms.wav", "too short for the frontend: 10.0 ms of audio (160 samples at "
                        + "16 kHz), and bands makes its first frame from 25.0 ms (400 samples); remove it or join it "
                        + "to a longer recording")), plain.leftOut());
        ShortUtterances.Split stacked = ShortUtterances.split(all, new Stacked(new SpeechFixture.Bands(8)), "fbank");
        assertEquals(List.of("long", "stack"), stacked.kept().stream().map(Utterance::id).toList());
        assertEquals(List.of("/corpus/one.wav", "/corpus/ten-ms.wav", "/corpus/window.wav",
                "/corpus/short-of-stack.wav"), stacked.leftOut().stream().map(SkippedFile::file).toList());
    }
}
