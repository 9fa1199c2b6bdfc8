package dev.pretext.core.data;

import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Augmentation;
import dev.pretext.api.data.FeatureAugmentation;
import dev.pretext.api.data.Utterance;
import dev.pretext.core.data.SpeechFixture.Bands;
import dev.pretext.core.data.SpeechFixture.FrameMask;
import dev.pretext.core.data.SpeechFixture.Gain;
import dev.pretext.core.data.SpeechFixture.Slices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loader's view of the data on real speech: augmentation order, and the feature cache on and off. */
class FeaturePipelineTest {
    private static final long SEED = 17;
    private static final double MAX_SECONDS = 1.5;

    @TempDir
    Path dir;

    private final Slices slices = Slices.standard();
    private final FeatureStats stats = FeatureStats.estimate(slices.utterances(),
            new FeaturePipeline(slices, List.of(), new Bands(16), Double.MAX_VALUE, SEED, null)::raw, 100, SEED);

    private FeaturePipeline pipeline(Bands frontend, List<Augmentation> waves, List<FeatureAugmentation> feats,
                                     FeatureCache cache) {
        return new FeaturePipeline(slices, waves, feats, frontend, MAX_SECONDS, SEED, stats, cache);
    }

    private FeatureCache cache() {
        return FeatureCache.open(dir.resolve("cache"), "bands 16");
    }

    @Test
    void waveformAugmentationsComeFirstThenNormalisationThenFeatureAugmentationsEachWithItsOwnStream() {
        List<Augmentation> waves = List.of(new Gain(0.5), new Gain(1.0));
        // Listed between the waveform ones would make no difference: each kind keeps its own order.
        List<FeatureAugmentation> feats = List.of(new FrameMask(20, 0f), new FrameMask(5, 9f));
        FeaturePipeline pipeline = pipeline(new Bands(16), waves, feats, null);
        Bands reference = new Bands(16);
        for (Utterance u : slices.utterances()) {
            for (int epoch = 0; epoch < 2; epoch++) {
                // The order spelled out: crop, waveform splits, extract, normalise, feature splits.
                Waveform w = slices.audio(u);
                SplittableRandom rng = new SplittableRandom(Seeds.mix(SEED, epoch, u.id()));
                int max = (int) Math.round(MAX_SECONDS * Waveform.RATE);
                int start = 0;
                if (w.length() > max) {
                    start = rng.nextInt(w.length() - max + 1);
                    w = new Waveform(Arrays.copyOfRange(w.samples(), start, start + max), Waveform.RATE);
                }
                for (Augmentation a : waves) {
                    w = a.apply(w, rng.split());
                }
                Features f = stats.apply(reference.extract(w));
                for (FeatureAugmentation a : feats) {
                    f = a.apply(f, rng.split());
                }
                FeaturePipeline.Example got = pipeline.training(u, epoch);
                assertArrayEquals(f.data(), got.features().data(), u.id() + " epoch " + epoch);
                assertEquals(start / 16000.0, got.startSeconds());
            }
        }
    }

    @Test
    void aRecipeWithoutFeatureAugmentationsGivesTheNumbersItGaveBefore() {
        // Feature augmentations draw their streams after the waveform ones, so adding none changes nothing.
        List<Augmentation> waves = List.of(new Gain(0.5));
        FeaturePipeline old = new FeaturePipeline(slices, waves, new Bands(16), MAX_SECONDS, SEED, stats);
        FeaturePipeline now = pipeline(new Bands(16), waves, List.of(), null);
        FeaturePipeline masked = pipeline(new Bands(16), waves, List.of(new FrameMask(30, 0f)), null);
        boolean differs = false;
        for (Utterance u : slices.utterances()) {
            assertArrayEquals(old.training(u, 3).features().data(), now.training(u, 3).features().data());
            float[] a = now.training(u, 3).features().data();
            float[] b = masked.training(u, 3).features().data();
            assertEquals(a.length, b.length);
            differs |= !Arrays.equals(a, b);
        }
        assertTrue(differs, "the mask changes something");
    }

    @Test
    void aFeatureAugmentationThatChangesTheDimensionIsRefused() {
        FeatureAugmentation wide = (in, rng) -> new Features(new float[in.frames() * (in.dim() + 1)], in.frames(),
                in.dim() + 1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> pipeline(new Bands(16), List.of(), List.of(wide), null).training(slices.utterances().get(0), 0));
        assertTrue(e.getMessage().contains("returned 17 values per frame for 16"), e.getMessage());
    }

    @Test
    void theFirstPassMissesAndTheSecondHitsWithoutComputing() {
        Bands frontend = new Bands(16);
        FeaturePipeline pipeline = pipeline(frontend, List.of(), List.of(), cache());
        List<Features> first = new ArrayList<>();
        for (Utterance u : slices.utterances()) {
            first.add(pipeline.clean(u));
        }
        int n = slices.utterances().size();
        assertEquals(new FeatureCache.Stats(0, n, 0, 0, 0), pipeline.cacheStats());
        assertEquals(n, frontend.extracted.get());
        for (int i = 0; i < n; i++) {
            assertArrayEquals(first.get(i).data(), pipeline.clean(slices.utterances().get(i)).data());
            assertArrayEquals(stats.apply(new Bands(16).extract(slices.audio(slices.utterances().get(i)))).data(),
                    first.get(i).data(), "clean features are the same with the cache");
        }
        assertEquals(new FeatureCache.Stats(n, n, 0, 0, 0), pipeline.cacheStats());
        assertEquals(n, frontend.extracted.get(), "hits compute nothing");
        // raw() reads the same files: the frontend's output before normalisation.
        FeaturePipeline other = pipeline(frontend, List.of(), List.of(), cache());
        assertArrayEquals(new Bands(16).extract(slices.audio(slices.utterances().get(2))).data(),
                other.raw(slices.utterances().get(2)).data());
        assertEquals(1, other.cacheStats().hits());
        // Without a cache nothing is counted.
        FeaturePipeline none = pipeline(frontend, List.of(), List.of(), null);
        none.clean(slices.utterances().get(0));
        assertEquals(new FeatureCache.Stats(0, 0, 0, 0, 0), none.cacheStats());
        assertNull(none.cache());
    }

    @Test
    void cacheOnAndOffGiveTheSameTrainingBatchesBitForBit() {
        List<Augmentation> waves = List.of(new Gain(0.4));
        List<FeatureAugmentation> feats = List.of(new FrameMask(15, 0f));
        List<HostBatch> off = batches(pipeline(new Bands(16), waves, feats, null));
        FeaturePipeline cold = pipeline(new Bands(16), waves, feats, cache());
        List<HostBatch> on = batches(cold);
        List<HostBatch> again = batches(pipeline(new Bands(16), waves, feats, cache()));
        assertEquals(off.size(), on.size());
        for (List<HostBatch> run : List.of(on, again)) {
            for (int i = 0; i < off.size(); i++) {
                HostBatch a = off.get(i);
                HostBatch b = run.get(i);
                assertEquals(a.epoch(), b.epoch());
                assertEquals(a.utterances(), b.utterances());
                assertArrayEquals(a.lengths(), b.lengths());
                assertArrayEquals(a.startSeconds(), b.startSeconds());
                assertArrayEquals(a.features(), b.features(), "batch " + i);
            }
        }
        assertTrue(cold.cacheStats().misses() > 0 && cold.cacheStats().hits() > 0, cold.cacheStats().toString());

        // Counted view by view over the same three epochs (the loader's counts include prefetched batches).
        Bands frontend = new Bands(16);
        FeaturePipeline counted = pipeline(frontend, waves, feats, cache());
        for (int epoch = 0; epoch < 3; epoch++) {
            for (Utterance u : slices.utterances()) {
                counted.training(u, epoch);
            }
        }
        FeatureCache.Stats s = counted.cacheStats();
        long views = 3L * slices.utterances().size();
        assertEquals(views, s.hits() + s.misses() + s.bypassed());
        // Four of the eight are longer than 1.5 s: always cropped, never served. The rest hit unless the gain fired.
        assertTrue(s.bypassed() >= 12 && s.bypassed() < views, s.toString());
        assertEquals(0, s.misses(), "every clean view was stored by the cold run: " + s);
        assertEquals(s.bypassed(), frontend.extracted.get(), "only bypassed views are computed");
    }

    /** Three epochs through the real loader, two threads. */
    private List<HostBatch> batches(FeaturePipeline pipeline) {
        BatchPlanner planner = new BatchPlanner(slices.utterances(), 4, MAX_SECONDS, SEED);
        List<HostBatch> out = new ArrayList<>();
        try (BatchLoader loader = new BatchLoader(planner, pipeline, 2, 3, 0, 0)) {
            int total = loader.batchesInEpoch(0) + loader.batchesInEpoch(1) + loader.batchesInEpoch(2);
            for (int i = 0; i < total; i++) {
                out.add(loader.next());
            }
            assertEquals(pipeline.cache() == null, loader.cacheStats() == null);
        }
        return out;
    }

    @Test
    void damagedFilesAreDetectedRecomputedAndRewritten() throws Exception {
        FeatureCache cache = cache();
        FeaturePipeline first = pipeline(new Bands(16), List.of(), List.of(), cache);
        List<float[]> expected = new ArrayList<>();
        for (Utterance u : slices.utterances()) {
            expected.add(first.clean(u).data());
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(cache.dir())) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        assertEquals(slices.utterances().size(), files.size());
        // A crash mid-write (truncated), a flipped bit, an empty file.
        byte[] bytes = Files.readAllBytes(files.get(0));
        Files.write(files.get(0), Arrays.copyOf(bytes, bytes.length / 2));
        byte[] other = Files.readAllBytes(files.get(1));
        other[other.length / 2] ^= 0x04;
        Files.write(files.get(1), other);
        Files.write(files.get(2), new byte[0]);

        Bands frontend = new Bands(16);
        FeaturePipeline second = pipeline(frontend, List.of(), List.of(), cache);
        for (int i = 0; i < slices.utterances().size(); i++) {
            assertArrayEquals(expected.get(i), second.clean(slices.utterances().get(i)).data());
        }
        int n = slices.utterances().size();
        assertEquals(new FeatureCache.Stats(n - 3, 3, 0, 3, 0), second.cacheStats());
        assertEquals(3, frontend.extracted.get());
        for (Path f : files.subList(0, 3)) {
            assertTrue(FeatureCache.decode(Files.readAllBytes(f)) != null, "rewritten whole: " + f);
        }
        FeaturePipeline third = pipeline(new Bands(16), List.of(), List.of(), cache);
        slices.utterances().forEach(third::clean);
        assertEquals(new FeatureCache.Stats(n, 0, 0, 0, 0), third.cacheStats());
    }

    @Test
    void anotherFrontendSettingIsAnotherFile() {
        FeaturePipeline sixteen = new FeaturePipeline(slices, List.of(), List.of(), new Bands(16), MAX_SECONDS, SEED,
                null, FeatureCache.open(dir, "bands bins=16"));
        FeaturePipeline eight = new FeaturePipeline(slices, List.of(), List.of(), new Bands(8), MAX_SECONDS, SEED,
                null, FeatureCache.open(dir, "bands bins=8"));
        Utterance u = slices.utterances().get(0);
        assertEquals(16, sixteen.raw(u).dim());
        assertEquals(8, eight.raw(u).dim(), "not the 16-band file");
        assertEquals(1, eight.cacheStats().misses());
        assertFalse(sixteen.cache().key(slices.audio(u)).equals(eight.cache().key(slices.audio(u))));
    }
}
