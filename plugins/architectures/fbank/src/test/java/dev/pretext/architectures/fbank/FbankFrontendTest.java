package dev.pretext.architectures.fbank;

import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.testkit.Signals;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FbankFrontendTest {
    private static final FbankConfig WITH_CMVN = new FbankConfig(null, null, null, true, null, null);

    private final Waveform speech = Fixtures.wav("speech.wav");

    @Test
    void cmvnGivesEveryBandZeroMeanAndUnitVariance() {
        Features f = new FbankFrontend(WITH_CMVN).extract(speech);
        assertTrue(f.frames() > 100);
        for (int b = 0; b < f.dim(); b++) {
            double sum = 0;
            double sumSquares = 0;
            for (int t = 0; t < f.frames(); t++) {
                sum += f.get(t, b);
                sumSquares += f.get(t, b) * (double) f.get(t, b);
            }
            double mean = sum / f.frames();
            double std = Math.sqrt(sumSquares / f.frames() - mean * mean);
            assertEquals(0.0, mean, 1e-4, "mean of band " + b);
            assertEquals(1.0, std, 1e-3, "std of band " + b);
        }
    }

    @Test
    void cmvnKeepsTheShapeOfEachBand() {
        Features raw = new FbankFrontend(new FbankConfig(null, null, null, false, null, null)).extract(speech);
        Features normalised = new FbankFrontend(WITH_CMVN).extract(speech);
        // Normalisation is affine per band with a positive scale: the ordering of frames within a band survives.
        int band = 20;
        int loudest = 0;
        int quietest = 0;
        for (int t = 1; t < raw.frames(); t++) {
            if (raw.get(t, band) > raw.get(loudest, band)) {
                loudest = t;
            }
            if (raw.get(t, band) < raw.get(quietest, band)) {
                quietest = t;
            }
        }
        for (int t = 0; t < raw.frames(); t++) {
            assertTrue(normalised.get(t, band) <= normalised.get(loudest, band));
            assertTrue(normalised.get(t, band) >= normalised.get(quietest, band));
        }
    }

    @Test
    void extractIsDeterministic() {
        FbankFrontend frontend = new FbankFrontend(WITH_CMVN);
        assertArrayEquals(frontend.extract(speech).data(), frontend.extract(speech).data());
        assertArrayEquals(frontend.extract(speech).data(),
                new FbankFrontend(WITH_CMVN).extract(speech).data());
    }

    @Test
    void parallelCallsGiveTheSameResultsAsSequentialOnes() throws Exception {
        FbankFrontend frontend = new FbankFrontend(WITH_CMVN);
        List<Waveform> inputs = List.of(speech, Fixtures.wav("chirp.wav"),
                Signals.noise(1.3, 0.1, 5), Signals.tone(440, 0.7, 0.3), Fixtures.wav("seven_frames.wav"));
        List<float[]> sequential = new ArrayList<>();
        for (Waveform w : inputs) {
            sequential.add(frontend.extract(w).data());
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                Waveform w = inputs.get(i % inputs.size());
                results.add(pool.submit(() -> frontend.extract(w).data()));
            }
            for (int i = 0; i < results.size(); i++) {
                assertArrayEquals(sequential.get(i % inputs.size()), results.get(i).get(), "call " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void frameCountFollowsSnipEdges() {
        FbankFrontend frontend = new FbankFrontend(WITH_CMVN);
        assertEquals(0, frontend.extract(new Waveform(new float[399], Waveform.RATE)).frames());
        assertEquals(1, frontend.extract(new Waveform(new float[400], Waveform.RATE)).frames());
        assertEquals(1, frontend.extract(new Waveform(new float[559], Waveform.RATE)).frames());
        assertEquals(2, frontend.extract(new Waveform(new float[560], Waveform.RATE)).frames());
        assertEquals(98, frontend.extract(new Waveform(new float[16000], Waveform.RATE)).frames());
        assertEquals(0, frontend.extract(new Waveform(new float[0], Waveform.RATE)).frames());
    }

    @Test
    void silenceSitsOnTheLogFloor() {
        Features f = new FbankFrontend(new FbankConfig(40, null, null, false, null, null))
                .extract(new Waveform(new float[1600], Waveform.RATE));
        for (float v : f.data()) {
            assertEquals(Math.log(Math.ulp(1.0f)), v, 1e-6);
        }
        // With CMVN, constant bands are centred rather than divided by zero.
        for (float v : new FbankFrontend(new FbankConfig(40, null, null, true, null, null))
                .extract(new Waveform(new float[1600], Waveform.RATE)).data()) {
            assertEquals(0.0f, v);
        }
    }

    @Test
    void toneEnergyLandsInTheBandAroundItsFrequency() {
        FbankFrontend frontend = new FbankFrontend(new FbankConfig(40, null, null, false, null, null));
        Features f = frontend.extract(Signals.tone(1000, 0.5, 0.5));
        int peak = 0;
        for (int b = 1; b < f.dim(); b++) {
            if (f.get(10, b) > f.get(10, peak)) {
                peak = b;
            }
        }
        // Band centres are equally spaced in mel between 20 Hz and 8 kHz; find the one nearest 1 kHz.
        double step = (MelBank.mel(8000) - MelBank.mel(20)) / 41;
        int nearest = (int) Math.round((MelBank.mel(1000) - MelBank.mel(20)) / step) - 1;
        assertTrue(Math.abs(peak - nearest) <= 1, "peak band " + peak + ", expected about " + nearest);
    }

    @Test
    void specFollowsBinsAndShift() {
        assertEquals(new FeatureSpec(80, 100.0), new FbankFrontend(WITH_CMVN).spec());
        assertEquals(new FeatureSpec(40, 125.0), new FbankFrontend(new FbankConfig(40, 20.0, 8.0, null, null, null)).spec());
    }

    @Test
    void rejectsOtherSampleRates() {
        FbankFrontend frontend = new FbankFrontend(WITH_CMVN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> frontend.extract(new Waveform(new float[8000], 8000)));
        assertTrue(e.getMessage().contains("16000 Hz") && e.getMessage().contains("8000 Hz"), e.getMessage());
    }

    @Test
    void flopsCountTheFftMelAndCmvn() {
        FbankFrontend plain = new FbankFrontend(new FbankConfig(80, null, null, false, null, null));
        FbankFrontend normalised = new FbankFrontend(WITH_CMVN);
        // A 512-point real FFT done as a 256-point complex FFT: 5 * 256 * 8 butterfly flops plus the split.
        double fftAlone = 5.0 * 256 * 8;
        assertTrue(plain.flopsPerFrame() > fftAlone + 400 * 6, "flops " + plain.flopsPerFrame());
        assertTrue(plain.flopsPerFrame() < 5.0 * 512 * 9 + 400 * 6 + 2 * 257 * 80, "flops " + plain.flopsPerFrame());
        assertEquals(5.0 * 80, normalised.flopsPerFrame() - plain.flopsPerFrame(), 1e-9);
        assertTrue(new FbankFrontend(new FbankConfig(40, null, null, false, null, null)).flopsPerFrame() < plain.flopsPerFrame());
    }

    @Test
    void stackingAndSubsamplingMakeTwentyMillisecondFramesFromTheSameValues() {
        Waveform speech = Signals.chirp(200, 3000, 1.0, 0.5);
        Features plain = new FbankFrontend(new FbankConfig(40, null, null, false, null, null)).extract(speech);
        FbankFrontend stacking = new FbankFrontend(new FbankConfig(40, null, null, false, 2, null));
        FbankFrontend subsampling = new FbankFrontend(new FbankConfig(40, null, null, false, null, 2));
        assertEquals(new FeatureSpec(80, 50.0), stacking.spec());
        assertEquals(new FeatureSpec(40, 50.0), subsampling.spec());
        Features stacked = stacking.extract(speech);
        Features kept = subsampling.extract(speech);
        assertEquals(plain.frames() / 2, stacked.frames());
        assertEquals(plain.frames() / 2, kept.frames());
        for (int t = 0; t < stacked.frames(); t++) {
            for (int b = 0; b < 40; b++) {
                assertEquals(plain.get(2 * t, b), stacked.get(t, b));
                assertEquals(plain.get(2 * t + 1, b), stacked.get(t, 40 + b));
                assertEquals(plain.get(2 * t, b), kept.get(t, b));
            }
        }
        // Both compute every 10 ms frame, so each output frame costs two.
        double one = new FbankFrontend(new FbankConfig(40, null, null, false, null, null)).flopsPerFrame();
        assertEquals(2 * one, stacking.flopsPerFrame(), 1e-9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FbankConfig(null, null, null, null, 2, 2));
        assertTrue(e.getMessage().contains("stack or subsample"), e.getMessage());
    }
}
