package dev.pretext.core.data;

import dev.pretext.api.audio.Features;
import dev.pretext.api.data.Utterance;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Prepares batches ahead of the trainer on its own threads, in plan order, from a given position on
 * (epoch, batch index): a resumed run continues exactly where the checkpoint left off. At most
 * {@code prefetch} batches are in flight, which bounds memory.
 */
public final class BatchLoader implements AutoCloseable {
    private final BatchPlanner planner;
    private final FeaturePipeline pipeline;
    private final ExecutorService pool;
    private final ArrayDeque<Future<HostBatch>> inFlight = new ArrayDeque<>();
    private final Map<Integer, List<int[]>> plans = new HashMap<>();
    private int nextEpoch;
    private int nextIndex;
    private long waitNanos;
    /** Thread time spent building batches, the audio and utterances they held: the loader's own speed. */
    private final java.util.concurrent.atomic.LongAdder busyNanos = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.DoubleAdder builtSeconds = new java.util.concurrent.atomic.DoubleAdder();
    private final java.util.concurrent.atomic.LongAdder builtUtterances = new java.util.concurrent.atomic.LongAdder();

    public BatchLoader(BatchPlanner planner, FeaturePipeline pipeline, int threads, int prefetch, int startEpoch,
                       int startIndex) {
        this.planner = planner;
        this.pipeline = pipeline;
        this.nextEpoch = startEpoch;
        this.nextIndex = startIndex;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "pretext-loader-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < prefetch; i++) {
            submitNext();
        }
    }

    private List<int[]> plan(int epoch) {
        plans.keySet().removeIf(e -> e < epoch - 1);
        return plans.computeIfAbsent(epoch, planner::plan);
    }

    private void submitNext() {
        List<int[]> plan = plan(nextEpoch);
        if (nextIndex >= plan.size()) {
            nextEpoch++;
            nextIndex = 0;
            plan = plan(nextEpoch);
        }
        int epoch = nextEpoch;
        int index = nextIndex++;
        int[] members = plan.get(index);
        inFlight.add(pool.submit(() -> build(epoch, index, members)));
    }

    private HostBatch build(int epoch, int index, int[] members) {
        long t0 = System.nanoTime();
        HostBatch batch = assemble(epoch, index, members);
        busyNanos.add(System.nanoTime() - t0);
        builtSeconds.add(batch.seconds());
        builtUtterances.add(batch.size());
        return batch;
    }

    private HostBatch assemble(int epoch, int index, int[] members) {
        List<Utterance> utts = new ArrayList<>(members.length);
        List<Features> feats = new ArrayList<>(members.length);
        int frames = 0;
        double seconds = 0;
        double[] starts = new double[members.length];
        for (int i = 0; i < members.length; i++) {
            Utterance u = planner.utterances().get(members[i]);
            FeaturePipeline.Example example = pipeline.training(u, epoch);
            Features f = example.features();
            starts[i] = example.startSeconds();
            utts.add(u);
            feats.add(f);
            frames = Math.max(frames, f.frames());
            seconds += planner.croppedSeconds(u);
        }
        int dim = pipeline.frontend().spec().dim();
        float[] data = new float[members.length * frames * dim];
        int[] lengths = new int[members.length];
        for (int b = 0; b < members.length; b++) {
            Features f = feats.get(b);
            lengths[b] = f.frames();
            System.arraycopy(f.data(), 0, data, b * frames * dim, f.frames() * dim);
        }
        return new HostBatch(epoch, index, data, lengths, frames, dim, utts, seconds, starts);
    }

    /** The next batch in plan order; blocks (and counts the wait) when the loader is behind. */
    public HostBatch next() {
        Future<HostBatch> head = inFlight.poll();
        submitNext();
        long t0 = System.nanoTime();
        try {
            return head.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading data", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("loading a batch failed", cause);
        } finally {
            waitNanos += System.nanoTime() - t0;
        }
    }

    /** Batches in the given epoch's plan. */
    public int batchesInEpoch(int epoch) {
        return plan(epoch).size();
    }

    /**
     * Seconds of audio one loader thread turns into features per second of its time (load, crop, augment,
     * extract): with N threads the loader keeps up with a trainer that consumes up to N times this.
     */
    public double realTimePerThread() {
        long busy = busyNanos.sum();
        return busy == 0 ? 0 : builtSeconds.sum() / (busy / 1e9);
    }

    /** Utterances one loader thread prepares per second of its time. */
    public double utterancesPerThreadSecond() {
        long busy = busyNanos.sum();
        return busy == 0 ? 0 : builtUtterances.sum() / (busy / 1e9);
    }

    /** The feature cache's counts for the batches prepared so far (prefetched ones included); null without one. */
    public FeatureCache.Stats cacheStats() {
        return pipeline.cache() == null ? null : pipeline.cacheStats();
    }

    /** Total time the trainer has waited for data, in seconds. */
    public double waitSeconds() {
        return waitNanos / 1e9;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        // Wait for batches in flight: a loader thread still writing the feature cache after the trainer has returned
        // races whoever removes or reuses the cache folder next (seen as a test's temporary folder not emptying).
        try {
            if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("loader threads still running a minute after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
