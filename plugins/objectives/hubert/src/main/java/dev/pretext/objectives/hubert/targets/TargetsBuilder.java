package dev.pretext.objectives.hubert.targets;

import dev.pretext.api.audio.Features;
import dev.pretext.api.data.Utterance;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The targets stage of HuBERT: cluster frame features of a corpus with k-means and write one label per frame, in the
 * folder format of {@link Targets}, for the {@code hubert} objective to predict.
 *
 * <p>Iteration 1 clusters MFCC computed from the audio ({@link #build(List, FrameSource.AudioSource,
 * TargetSettings, Path, Consumer)}); later iterations cluster any other frame features, such as a layer of a trained
 * encoder ({@link #build(List, FrameSource, TargetSettings, Path, Consumer)}). The corpus is streamed: memory holds
 * the sample, the centroids and a few utterances per thread. Same utterances, source and settings: the same files,
 * byte for byte, whatever the number of threads.
 */
public final class TargetsBuilder {
    private TargetsBuilder() {
    }

    /**
     * @param seconds             wall time of the whole stage
     * @param kmeansFramesPerSecond frames assigned and accumulated per second over the Lloyd passes
     */
    public record Summary(Path dir, TargetsInfo info, double seconds, double kmeansFramesPerSecond) {
    }

    /**
     * HuBERT iteration 1: 39-dimensional MFCC (with deltas and delta-deltas) at 100 Hz, clustered.
     *
     * @param utterances the corpus, in a stable order (labels.km follows it)
     * @param audio      an utterance's 16 kHz audio, e.g. {@code dataset::audio}; called from several threads
     * @param settings   clusters, passes, seed, threads
     * @param outDir     created if needed; files of an earlier run there are replaced
     * @param log        progress lines for a console (e.g. {@code System.err::println}, or {@code s -> {}})
     */
    public static Summary build(List<Utterance> utterances, FrameSource.AudioSource audio, TargetSettings settings,
                                Path outDir, Consumer<String> log) {
        return build(utterances, FrameSource.mfcc(audio), settings, outDir, log);
    }

    /** Clusters the frames {@code source} gives (e.g. an encoder layer) and labels every utterance with them. */
    public static Summary build(List<Utterance> utterances, FrameSource source, TargetSettings settings, Path outDir,
                                Consumer<String> log) {
        long started = System.nanoTime();
        checkIds(utterances);
        Path spill = settings.spill() ? outDir.resolve(".features") : null;
        try {
            if (spill != null) {
                deleteSpill(spill);
                Files.createDirectories(spill);
            }
            StreamingKMeans.Result fit = StreamingKMeans.fit(utterances, source, settings, log, spill);
            TargetsInfo info = label(utterances, source, fit.centroids(), settings, fit.passes(), outDir, log, spill);
            return new Summary(outDir, info, (System.nanoTime() - started) / 1e9, fit.framesPerSecond());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + spill + ": " + e.getMessage(), e);
        } finally {
            if (spill != null) {
                deleteSpill(spill);
            }
        }
    }

    private static void deleteSpill(Path spill) {
        if (!Files.isDirectory(spill)) {
            return;
        }
        try (var files = Files.list(spill)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(spill);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the spilled features in " + spill + ": " + e.getMessage(), e);
        }
    }

    private record Labelled(int[][] labels, double squaredDistance) {
    }

    /**
     * Labels every utterance with the nearest of {@code centroids} and writes the folder (also usable to label
     * held-out audio with the clusters of an earlier run: {@link Targets#centroids()}).
     */
    public static TargetsInfo label(List<Utterance> utterances, FrameSource source, Centroids centroids,
                                    TargetSettings settings, int passes, Path outDir, Consumer<String> log) {
        return label(utterances, source, centroids, settings, passes, outDir, log, null);
    }

    private static TargetsInfo label(List<Utterance> utterances, FrameSource source, Centroids centroids,
                                     TargetSettings settings, int passes, Path outDir, Consumer<String> log,
                                     Path spill) {
        checkIds(utterances);
        if (centroids.dim() != source.dim()) {
            throw new IllegalArgumentException("centroids of " + centroids.dim() + " values cannot label "
                    + source.kind() + " frames of " + source.dim());
        }
        try {
            Files.createDirectories(outDir);
            // targets.json marks a finished folder: remove it first, write it last
            Files.deleteIfExists(outDir.resolve(Targets.INFO));
            LabelQuality quality = new LabelQuality(centroids.k());
            long[] frames = {0};
            double[] squared = {0};
            int[] index = {0};
            try (BufferedWriter km = Files.newBufferedWriter(outDir.resolve(Targets.LABELS));
                 BufferedWriter ids = Files.newBufferedWriter(outDir.resolve(Targets.UTTERANCES));
                 CorpusStream stream = new CorpusStream(source, settings.threads(), spill)) {
                stream.pass(utterances, (first, block) -> {
                    int[][] labels = new int[block.length][];
                    double sq = 0;
                    for (int i = 0; i < block.length; i++) {
                        Features f = block[i];
                        labels[i] = new int[f.frames()];
                        for (int t = 0; t < f.frames(); t++) {
                            int j = centroids.nearest(f.data(), t * f.dim());
                            labels[i][t] = j;
                            sq += centroids.distance(f.data(), t * f.dim(), j);
                        }
                    }
                    return new Labelled(labels, sq);
                }, block -> {
                    try {
                        for (int[] row : block.labels()) {
                            Utterance u = utterances.get(index[0]++);
                            km.write(Targets.formatLine(row));
                            km.newLine();
                            ids.write(u.id() + "\t" + row.length);
                            ids.newLine();
                            quality.add(u, row, source::frameCentreSeconds);
                            frames[0] += row.length;
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    squared[0] += block.squaredDistance();
                });
            }
            Targets.writeCentroids(outDir.resolve(Targets.CENTROIDS), centroids);
            TargetsInfo.Quality q = quality.frames() == 0 ? null
                    : new TargetsInfo.Quality(quality.pnmi(), quality.phonePurity(), quality.clusterPurity(),
                    quality.frames(), quality.utterances(), quality.phones());
            TargetsInfo info = new TargetsInfo(Targets.FORMAT, source.kind(), source.dim(), source.frameRateHz(),
                    centroids.k(), settings.seed(), passes, settings.sampleFrames(), utterances.size(), frames[0],
                    squared[0] / Math.max(1, frames[0]), q);
            Targets.JSON.writeValue(outDir.resolve(Targets.INFO).toFile(), info);
            log.accept(String.format("targets: %,d frames of %d utterances labelled with %d clusters into %s%s",
                    frames[0], utterances.size(), centroids.k(), outDir,
                    q == null ? " (no phone alignments: no quality numbers)"
                            : String.format("; PNMI %.3f, phone purity %.3f, cluster purity %.3f", q.pnmi(),
                            q.phonePurity(), q.clusterPurity())));
            return info;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write targets into " + outDir + ": " + e.getMessage(), e);
        }
    }

    /** Ids become lines of utterances.tsv: they must be unique and hold no tab or line break. */
    private static void checkIds(List<Utterance> utterances) {
        if (utterances.isEmpty()) {
            throw new IllegalArgumentException("no utterances to make targets for");
        }
        Set<String> seen = new HashSet<>();
        for (Utterance u : utterances) {
            if (!seen.add(u.id())) {
                throw new IllegalArgumentException("utterance id " + u.id() + " occurs twice; labels are keyed by id");
            }
            if (u.id().isEmpty() || u.id().indexOf('\t') >= 0 || u.id().indexOf('\n') >= 0
                    || u.id().indexOf('\r') >= 0) {
                throw new IllegalArgumentException("utterance id '" + u.id() + "' is empty or holds a tab or line "
                        + "break; it cannot be written to " + Targets.UTTERANCES);
            }
        }
    }
}
