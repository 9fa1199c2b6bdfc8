package dev.pretext.core.data;

import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.core.UserError;
import dev.pretext.core.recipe.ConfigBinder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureCacheTest {
    @TempDir
    Path dir;

    /** Stands for a frontend's config record, serialised as the core serialises plugin configs. */
    public record FbankLike(Integer bins, Double shiftMs) {
    }

    private static String json(int bins, double shiftMs) {
        return ConfigBinder.compactJson(new FbankLike(bins, shiftMs));
    }

    private static final Waveform AUDIO = new Waveform(Arrays.copyOf(SpeechFixture.SPEECH, 16000), Waveform.RATE);

    @Test
    void keysFollowTheAudioAndEveryPartOfTheFrontendIdentity() {
        String base = FeatureCache.identity("fbank", "dev.pretext.architectures.fbank", "1.1.0", json(80, 10.0));
        FeatureCache cache = FeatureCache.open(dir, base);
        String key = cache.key(AUDIO);
        assertTrue(key.matches("[0-9a-f]{64}"), key);
        assertEquals(key, FeatureCache.open(dir, base).key(new Waveform(AUDIO.samples().clone(), Waveform.RATE)),
                "same audio, same frontend: same key");
        assertTrue(base.contains("\"bins\":80") && base.contains("\"shift_ms\":10.0"), base);

        List<String> others = List.of(
                FeatureCache.identity("fbank", "dev.pretext.architectures.fbank", "1.1.0", json(40, 10.0)),
                FeatureCache.identity("fbank", "dev.pretext.architectures.fbank", "1.1.0", json(80, 20.0)),
                FeatureCache.identity("fbank", "dev.pretext.architectures.fbank", "1.2.0", json(80, 10.0)),
                FeatureCache.identity("mfcc", "dev.pretext.architectures.fbank", "1.1.0", json(80, 10.0)),
                FeatureCache.identity("fbank", "org.example.fbank", "1.1.0", json(80, 10.0)));
        for (String other : others) {
            assertNotEquals(key, FeatureCache.open(dir, other).key(AUDIO), other);
        }
        float[] nudged = AUDIO.samples().clone();
        nudged[12345] = Math.nextUp(nudged[12345]);
        assertNotEquals(key, cache.key(new Waveform(nudged, Waveform.RATE)), "one sample, one ulp");
        assertNotEquals(key, cache.key(new Waveform(Arrays.copyOf(AUDIO.samples(), 15999), Waveform.RATE)));
        assertEquals(dir.resolve("features").resolve(key.substring(0, 2)).resolve(key), cache.file(key));
    }

    @Test
    void aWrittenFileReadsBackBitForBit() {
        FeatureCache cache = FeatureCache.open(dir, "x");
        float[] data = {1.5f, -0f, Float.MIN_VALUE, -3.25e-7f, Float.MAX_VALUE, Float.NEGATIVE_INFINITY};
        assertTrue(cache.write("ab" + "0".repeat(62), new Features(data, 3, 2)));
        FeatureCache.Lookup found = cache.read("ab" + "0".repeat(62));
        assertTrue(found.hit());
        assertEquals(3, found.features().frames());
        assertEquals(2, found.features().dim());
        for (int i = 0; i < data.length; i++) {
            assertEquals(Float.floatToRawIntBits(data[i]), Float.floatToRawIntBits(found.features().data()[i]));
        }
        assertTrue(cache.write("cd" + "0".repeat(62), new Features(new float[0], 0, 80)), "no frames is fine");
        assertEquals(0, cache.read("cd" + "0".repeat(62)).features().frames());
        FeatureCache.Lookup absent = cache.read("ef" + "0".repeat(62));
        assertFalse(absent.hit());
        assertFalse(absent.damaged());
    }

    @Test
    void shortLongForeignOrAlteredFilesAreDamaged() throws Exception {
        FeatureCache cache = FeatureCache.open(dir, "x");
        byte[] good = FeatureCache.encode(new Features(new float[]{1, 2, 3, 4, 5, 6}, 2, 3));
        assertTrue(FeatureCache.decode(good) != null);
        List<byte[]> bad = new ArrayList<>();
        bad.add(new byte[0]);
        bad.add(Arrays.copyOf(good, good.length - 1));
        bad.add(Arrays.copyOf(good, good.length + 4));
        bad.add(Arrays.copyOf(good, FeatureCache.HEADER_BYTES));
        for (int at : new int[]{0, 5, 9, 14, FeatureCache.HEADER_BYTES + 7, good.length - 1}) {
            byte[] flipped = good.clone();
            flipped[at] ^= 0x10;
            bad.add(flipped);
        }
        for (int i = 0; i < bad.size(); i++) {
            String key = String.format("%02x", i) + "1".repeat(62);
            Files.createDirectories(cache.file(key).getParent());
            Files.write(cache.file(key), bad.get(i));
            FeatureCache.Lookup found = cache.read(key);
            assertFalse(found.hit(), "case " + i);
            assertTrue(found.damaged(), "case " + i);
        }
    }

    @Test
    void threadsRacingOnOneKeyLeaveOneWholeFileAndNoTemporaries() throws Exception {
        FeatureCache cache = FeatureCache.open(dir, "x");
        String key = cache.key(AUDIO);
        float[] data = new float[4000 * 80];
        for (int i = 0; i < data.length; i++) {
            data[i] = i * 0.25f;
        }
        Features f = new Features(data, 4000, 80);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                jobs.add(pool.submit(() -> {
                    assertTrue(cache.write(key, f));
                    FeatureCache.Lookup found = cache.read(key);
                    // A reader sees no file yet or a whole one, never part of one.
                    assertFalse(found.damaged());
                    if (found.hit()) {
                        assertArrayEquals(data, found.features().data());
                    }
                }));
            }
            for (Future<?> job : jobs) {
                job.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertArrayEquals(data, cache.read(key).features().data());
        try (Stream<Path> files = Files.walk(cache.dir())) {
            assertEquals(List.of(cache.file(key)), files.filter(Files::isRegularFile).toList());
        }
    }

    @Test
    void anUnwritableFolderIsAUserErrorAndAFailedWriteIsReported() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        UserError e = assertThrows(UserError.class, () -> FeatureCache.open(file, "x"));
        assertTrue(e.getMessage().startsWith("cannot create the feature cache folder " + file.resolve("features")),
                e.getMessage());
        assertTrue(e.getMessage().contains("data.feature_cache: false"), e.getMessage());

        FeatureCache cache = FeatureCache.open(dir, "x");
        String key = "ab" + "2".repeat(62);
        // A folder where the file should go: the write fails, nothing is left behind, nothing is thrown.
        Files.createDirectories(cache.file(key));
        Files.writeString(cache.file(key).resolve("keep"), "x");
        assertFalse(cache.write(key, new Features(new float[]{1}, 1, 1)));
        try (Stream<Path> files = Files.list(cache.file(key).getParent())) {
            assertEquals(List.of(cache.file(key)), files.toList());
        }
        assertNull(cache.read(key).features());
    }
}
