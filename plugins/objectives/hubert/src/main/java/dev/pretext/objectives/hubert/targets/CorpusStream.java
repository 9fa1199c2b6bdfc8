package dev.pretext.objectives.hubert.targets;

import dev.pretext.api.audio.Features;
import dev.pretext.api.data.Utterance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * One pass over a corpus: consecutive blocks of utterances are worked on in parallel, and their results are handed
 * to a consumer one at a time in corpus order. Each block is computed sequentially in a fixed order and results are
 * combined in a fixed order, so the outcome never depends on the number of threads or on scheduling. At most a few
 * blocks per thread are in flight: the corpus is never held in memory.
 *
 * <p>With a spill folder, the first pass writes each block's frames to a file there (float32, like fairseq's
 * feature dumps) and later passes read them back instead of computing them again.
 */
final class CorpusStream implements AutoCloseable {
    static final int BLOCK = 8;

    private final FrameSource source;
    private final int threads;
    private final ExecutorService pool;
    private final Path spill;

    CorpusStream(FrameSource source, int threads) {
        this(source, threads, null);
    }

    /** @param spill folder for the frames of every block, or null to compute them on every pass */
    CorpusStream(FrameSource source, int threads, Path spill) {
        this.source = source;
        this.threads = threads;
        this.spill = spill;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "targets-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** Work on one block: {@code frames[i]} belongs to {@code utterances.get(first + i)}. */
    @FunctionalInterface
    interface BlockWork<R> {
        R apply(int first, Features[] frames);
    }

    <R> void pass(List<Utterance> utterances, BlockWork<R> work, Consumer<R> inOrder) {
        int blocks = (utterances.size() + BLOCK - 1) / BLOCK;
        if (pool == null) {
            for (int b = 0; b < blocks; b++) {
                inOrder.accept(runBlock(utterances, b, work));
            }
            return;
        }
        ArrayDeque<Future<R>> inFlight = new ArrayDeque<>();
        int next = 0;
        try {
            while (next < blocks || !inFlight.isEmpty()) {
                while (next < blocks && inFlight.size() < 2 * threads) {
                    int b = next++;
                    inFlight.add(pool.submit(() -> runBlock(utterances, b, work)));
                }
                inOrder.accept(inFlight.removeFirst().get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building targets", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            inFlight.forEach(f -> f.cancel(true));
        }
    }

    private <R> R runBlock(List<Utterance> utterances, int block, BlockWork<R> work) {
        int first = block * BLOCK;
        int last = Math.min(utterances.size(), first + BLOCK);
        Path file = spill == null ? null : spill.resolve(block + ".f32");
        if (file != null && Files.isRegularFile(file)) {
            return work.apply(first, readSpill(file, last - first));
        }
        Features[] frames = new Features[last - first];
        for (int i = first; i < last; i++) {
            Utterance u = utterances.get(i);
            try {
                frames[i - first] = source.frames(u);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read utterance " + u.id() + " (" + u.audio() + "): "
                        + e.getMessage(), e);
            }
            if (frames[i - first].dim() != source.dim()) {
                throw new IllegalStateException("the " + source.kind() + " source promised " + source.dim()
                        + " values per frame but gave " + frames[i - first].dim() + " for utterance " + u.id());
            }
        }
        if (file != null) {
            writeSpill(file, frames);
        }
        return work.apply(first, frames);
    }

    /** Per utterance: int32 frames, int32 dim, the values; little-endian. Renamed into place when complete. */
    private static void writeSpill(Path file, Features[] frames) {
        long bytes = 0;
        for (Features f : frames) {
            bytes += 8 + 4L * f.data().length;
        }
        if (bytes > Integer.MAX_VALUE) {
            return;  // too large for one buffer: this block is computed again on every pass
        }
        ByteBuffer buf = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (Features f : frames) {
            buf.putInt(f.frames()).putInt(f.dim());
            buf.asFloatBuffer().put(f.data());
            buf.position(buf.position() + 4 * f.data().length);
        }
        try {
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            Files.write(partial, buf.array());
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spill features to " + file + ": " + e.getMessage()
                    + " (free some disk space, or turn spilling off)", e);
        }
    }

    private static Features[] readSpill(Path file, int count) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            Features[] out = new Features[count];
            for (int i = 0; i < count; i++) {
                int frames = buf.getInt();
                int dim = buf.getInt();
                float[] data = new float[frames * dim];
                buf.asFloatBuffer().get(data);
                buf.position(buf.position() + 4 * data.length);
                out[i] = new Features(data, frames, dim);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spilled features " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
