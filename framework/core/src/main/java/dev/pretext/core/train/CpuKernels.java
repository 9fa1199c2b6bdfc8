package dev.pretext.core.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * Single passes over parameter-sized arrays in the tensors' own memory, for float32 arrays on the CPU: AdamW, the
 * gradient norm and the teacher's moving average.
 * libtorch's way (through DJL) costs about 30 array passes per parameter for AdamW, each a separate kernel with its
 * temporaries; this reads w, g, m and v once and writes them once, which made the update about 3x faster on slim's
 * 14.2 M parameters (docs/BENCHMARKS.md). The arrays are reached through DJL's direct byte buffers, which alias the
 * tensor's storage only for contiguous CPU tensors: {@link #aliases} checks that once per array before it is used.
 *
 * <p>The moving average is three passes instead of seven and rounds exactly as the array ops did (two products and a
 * sum, each rounded to float).
 *
 * <p>Work is cut into fixed chunks of {@link #CHUNK} elements whatever the thread count, and the norm's partial sums
 * are combined in chunk order, so results do not depend on how many threads ran them. The threads are as many as
 * libtorch's intra-op pool has, so a run or bench limited to one thread stays on one.
 */
final class CpuKernels {
    static final int CHUNK = 1 << 16;
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final ForkJoinPool POOL = new ForkJoinPool(CORES, pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setDaemon(true);
        t.setName("pretext-cpu-kernels-" + t.getPoolIndex());
        return t;
    }, null, false);
    private static final Method LIBTORCH_THREADS = libtorchThreadsMethod();

    private CpuKernels() {
    }

    /**
     * As many threads as libtorch's intra-op pool has now (a bench or a run may have set it), else
     * OMP_NUM_THREADS, else every core; never more than the cores.
     */
    static int threads() {
        if (LIBTORCH_THREADS != null) {
            try {
                int n = (Integer) LIBTORCH_THREADS.invoke(null);
                if (n > 0) {
                    return Math.min(n, CORES);
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // fall through to the environment
            }
        }
        String omp = System.getenv("OMP_NUM_THREADS");
        if (omp != null) {
            try {
                int n = Integer.parseInt(omp.trim());
                if (n > 0) {
                    return Math.min(n, CORES);
                }
            } catch (NumberFormatException e) {
                // libtorch ignores an unreadable value, too
            }
        }
        return CORES;
    }

    private static Method libtorchThreadsMethod() {
        try {
            // The core compiles against DJL's api only: the PyTorch engine's own class is looked up.
            Engine engine = Engine.getInstance();
            return Class.forName("ai.djl.pytorch.jni.JniUtils", true, engine.getClass().getClassLoader())
                    .getMethod("getNumThreads");
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * Whether {@code array}'s direct buffer is its storage rather than a contiguous copy: a value written through
     * the buffer must be read back through the array. DJL makes the copy in the array's own manager, so a failed
     * check leaves one array there until that manager closes; callers check each array once ({@link Reach}).
     */
    static boolean aliases(NDArray array) {
        if (!Device.Type.CPU.equals(array.getDevice().getDeviceType()) || array.getDataType() != DataType.FLOAT32) {
            return false;
        }
        if (array.size() == 0) {
            return true;
        }
        FloatBuffer buffer;
        try {
            buffer = floats(array);
        } catch (RuntimeException e) {
            return false;  // an engine or layout without a direct buffer: the engine's own ops serve it
        }
        float old = buffer.get(0);
        float probe = old == 1f ? 2f : 1f;
        buffer.put(0, probe);
        float seen = array.getFloat(new long[array.getShape().dimension()]);
        buffer.put(0, old);
        return seen == probe;
    }

    /**
     * Which parameters' arrays the kernels have been checked to reach, by position. Each array is checked once (again
     * only if a parameter's array is replaced); once one cannot be reached, the kernels stay off for good.
     */
    static final class Reach {
        private final NDArray[] checked;
        private boolean on;

        /** {@code on}: whether the kernels may run at all, and every array the caller owns is reached. */
        Reach(int size, boolean on, List<NDArray> owned) {
            this.checked = new NDArray[size];
            boolean reached = on;
            for (int i = 0; i < owned.size() && reached; i++) {
                reached = aliases(owned.get(i));
            }
            this.on = reached;
        }

        /** Whether every parameter's array, and what {@code alsoReached} adds for it, is reached. */
        boolean covers(List<Parameter> parameters, Predicate<NDArray> alsoReached) {
            for (int i = 0; i < checked.length && on; i++) {
                NDArray array = parameters.get(i).getArray();
                if (array != checked[i]) {
                    on = aliases(array) && alsoReached.test(array);
                    checked[i] = array;
                }
            }
            return on;
        }
    }

    static FloatBuffer floats(NDArray array) {
        ByteBuffer bytes = array.toByteBuffer(true);
        if (!bytes.isDirect()) {
            throw new IllegalStateException("the engine gave no direct buffer for " + array.getShape());
        }
        return bytes.order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * One parameter's buffers: weight, gradient, first and second moment, and whether it decays; the norm uses only
     * {@code g}, the moving average {@code w} (teacher) and {@code g} (student). Chunks follow {@code g}'s length.
     */
    record Slot(FloatBuffer w, FloatBuffer g, FloatBuffer m, FloatBuffer v, boolean decays) {
    }

    /**
     * w <- w (1 - lr wd) - stepSize m / (sqrt(v) + epsHat) after m <- b1 m + (1 - b1) s g and v <- b2 v + (1 - b2)
     * (s g)^2, with s = gradScale; the gradient is zeroed. Bias corrections are folded into stepSize and epsHat.
     */
    static void update(List<Slot> slots, float lr, float weightDecay, float gradScale, float beta1, float beta2,
                       float stepSize, float epsHat) {
        float keep = 1 - lr * weightDecay;
        float c1 = 1 - beta1;
        float c2 = 1 - beta2;
        forEachChunk(slots, (slot, from, to) -> {
            FloatBuffer w = slot.w();
            FloatBuffer g = slot.g();
            FloatBuffer m = slot.m();
            FloatBuffer v = slot.v();
            float decay = slot.decays() ? keep : 1f;
            for (int i = from; i < to; i++) {
                float gi = g.get(i) * gradScale;
                float mi = beta1 * m.get(i) + c1 * gi;
                float vi = beta2 * v.get(i) + c2 * gi * gi;
                m.put(i, mi);
                v.put(i, vi);
                w.put(i, w.get(i) * decay - stepSize * mi / ((float) Math.sqrt(vi) + epsHat));
                g.put(i, 0f);
            }
            return 0.0;
        });
    }

    /** teacher <- decay teacher + (1 - decay) student, for each pair of equally long buffers. */
    static void movingAverage(List<FloatBuffer> teachers, List<FloatBuffer> students, float decay) {
        float pull = 1 - decay;
        List<Slot> slots = new ArrayList<>(teachers.size());
        for (int i = 0; i < teachers.size(); i++) {
            slots.add(new Slot(teachers.get(i), students.get(i), null, null, false));
        }
        forEachChunk(slots, (slot, from, to) -> {
            FloatBuffer t = slot.w();
            FloatBuffer s = slot.g();
            for (int i = from; i < to; i++) {
                t.put(i, t.get(i) * decay + s.get(i) * pull);
            }
            return 0.0;
        });
    }

    /** The sum of squares of all gradients, accumulated in double. */
    static double sumOfSquares(List<FloatBuffer> gradients) {
        List<Slot> slots = new ArrayList<>(gradients.size());
        for (FloatBuffer g : gradients) {
            slots.add(new Slot(null, g, null, null, false));
        }
        return forEachChunk(slots, (slot, from, to) -> {
            FloatBuffer g = slot.g();
            double sum = 0;
            for (int i = from; i < to; i++) {
                double x = g.get(i);
                sum += x * x;
            }
            return sum;
        });
    }

    @FunctionalInterface
    interface ChunkWork {
        double run(Slot slot, int from, int to);
    }

    /**
     * Runs {@code work} over every chunk of every slot on {@link #threads()} tasks (task t takes chunks t, t + n, ...);
     * returns the chunks' results summed in chunk order.
     */
    private static double forEachChunk(List<Slot> slots, ChunkWork work) {
        List<Integer> owners = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        for (int s = 0; s < slots.size(); s++) {
            int n = slots.get(s).g().capacity();
            for (int from = 0; from < n; from += CHUNK) {
                owners.add(s);
                starts.add(from);
            }
        }
        double[] results = new double[owners.size()];
        int tasks = Math.max(1, Math.min(threads(), owners.size()));
        List<Future<?>> futures = new ArrayList<>(tasks);
        for (int t = 0; t < tasks; t++) {
            int first = t;
            futures.add(POOL.submit(() -> {
                for (int k = first; k < results.length; k += tasks) {
                    Slot slot = slots.get(owners.get(k));
                    int from = starts.get(k);
                    results[k] = work.run(slot, from, Math.min(slot.g().capacity(), from + CHUNK));
                }
            }));
        }
        // Every chunk is waited for even when interrupted: a half-applied update would leave the weights in a state
        // no checkpoint describes.
        boolean interrupted = false;
        for (Future<?> f : futures) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a CPU kernel failed: " + e.getCause(), e.getCause());
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        double total = 0;
        for (double r : results) {
            total += r;
        }
        return total;
    }
}
