package dev.pretext.architectures.fbank;

import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Agreement with torchaudio.compliance.kaldi.fbank (dither 0) on committed clips; see make_fixtures.py. */
class FbankReferenceTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorchaudio(Fixtures.Case c) {
        Waveform audio = Fixtures.wav(c.wav());
        Features expected = Fixtures.features(c.name() + ".f32");
        FbankFrontend frontend = new FbankFrontend(new FbankConfig(c.bins(), c.frameMs(), c.shiftMs(), false, null, null));

        Features actual = frontend.extract(audio);

        assertEquals(c.frames(), expected.frames(), "fixture table and feature file disagree");
        assertEquals(expected.frames(), actual.frames(), "frame count");
        assertEquals(expected.dim(), actual.dim(), "bins");
        double max = 0;
        double sum = 0;
        for (int i = 0; i < expected.data().length; i++) {
            double diff = Math.abs(expected.data()[i] - actual.data()[i]);
            max = Math.max(max, diff);
            sum += diff;
        }
        double mean = expected.data().length == 0 ? 0 : sum / expected.data().length;
        System.out.printf("fbank %-16s %4d x %3d  max |diff| %.2e  mean |diff| %.2e%n",
                c.name(), actual.frames(), actual.dim(), max, mean);
        assertTrue(max < 1e-2, c.name() + ": max |diff| " + max + " log units");
        assertTrue(mean < 1e-3, c.name() + ": mean |diff| " + mean + " log units");
    }
}
