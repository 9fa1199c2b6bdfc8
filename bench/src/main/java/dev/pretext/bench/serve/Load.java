package dev.pretext.bench.serve;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Phase 1: N clients, each with its own connection, loop for S seconds over a weighted mix of reads and (about
 * 5%) submissions, recording every request's latency and every non-2xx reply or exception as an error.
 */
final class Load {
    /** What a client does, with its weight in the mix (out of 100). */
    enum Kind {
        LIST("GET /api/jobs?limit=50", 30, true),
        DETAIL("GET /api/jobs/{id}", 30, true),
        LOG("GET /api/jobs/{id}/log?tail=50", 20, true),
        HEALTH("GET /api/health", 15, true),
        SUBMIT("POST /api/jobs?priority=-1", 5, false);

        final String label;
        final int weight;
        final boolean read;

        Kind(String label, int weight, boolean read) {
            this.label = label;
            this.weight = weight;
            this.read = read;
        }

        static Kind pick(int r100) {
            int acc = 0;
            for (Kind k : values()) {
                acc += k.weight;
                if (r100 < acc) {
                    return k;
                }
            }
            return HEALTH;
        }
    }

    /** Latencies in nanoseconds, sorted, per kind; errors per kind; the first error replies. */
    record Result(long[][] nanos, int[] errors, List<String> examples, double seconds) {
        long[] of(Kind k) {
            return nanos[k.ordinal()];
        }

        /** Every read's latency together, sorted. */
        long[] reads() {
            long[] all = new long[0];
            for (Kind k : Kind.values()) {
                if (k.read) {
                    long[] n = of(k);
                    long[] merged = Arrays.copyOf(all, all.length + n.length);
                    System.arraycopy(n, 0, merged, all.length, n.length);
                    all = merged;
                }
            }
            Arrays.sort(all);
            return all;
        }

        int requests() {
            int n = 0;
            for (long[] k : nanos) {
                n += k.length;
            }
            return n;
        }

        int errorCount() {
            return Arrays.stream(errors).sum();
        }
    }

    private static final int MAX_EXAMPLES = 20;

    private Load() {
    }

    /**
     * Runs the clients. Reads of one job go half to the training job, half to a job submitted during the load;
     * the log is always the training job's (it grows while the clients read it).
     *
     * @param submitted collects the ids of the jobs submitted here
     */
    static Result run(String url, String token, long trainingJob, String queuedRecipe, int clients, int seconds,
                      int thinkMillis, Set<Long> submitted) throws InterruptedException {
        int kinds = Kind.values().length;
        AtomicInteger[] errors = new AtomicInteger[kinds];
        for (int i = 0; i < kinds; i++) {
            errors[i] = new AtomicInteger();
        }
        Queue<String> examples = new ConcurrentLinkedQueue<>();
        AtomicInteger exampleCount = new AtomicInteger();
        ConcurrentSkipListSet<Long> ids = new ConcurrentSkipListSet<>();
        Samples[][] samples = new Samples[clients][kinds];
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        long[] window = new long[2];
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Samples[] mine = samples[c];
            for (int k = 0; k < kinds; k++) {
                mine[k] = new Samples();
            }
            Thread t = new Thread(() -> {
                Api api = new Api(url, token);
                ThreadLocalRandom random = ThreadLocalRandom.current();
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long end = window[1];
                while (System.nanoTime() < end) {
                    Kind kind = Kind.pick(random.nextInt(100));
                    String path = switch (kind) {
                        case LIST -> "/api/jobs?limit=50";
                        case DETAIL -> "/api/jobs/" + someJob(trainingJob, ids, random);
                        case LOG -> "/api/jobs/" + trainingJob + "/log?tail=50";
                        case HEALTH -> "/api/health";
                        case SUBMIT -> "/api/jobs?priority=-1";
                    };
                    long t0 = System.nanoTime();
                    String failure = null;
                    try {
                        Api.Reply r = kind == Kind.SUBMIT ? api.post(path, "application/yaml", queuedRecipe)
                                : api.get(path);
                        if (!r.ok()) {
                            failure = r.brief();
                        } else if (kind == Kind.SUBMIT) {
                            ids.add(r.json().get("id").asLong());
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        failure = e.toString();
                    }
                    mine[kind.ordinal()].add(System.nanoTime() - t0);
                    if (failure != null) {
                        errors[kind.ordinal()].incrementAndGet();
                        if (exampleCount.incrementAndGet() <= MAX_EXAMPLES) {
                            examples.add(kind.label.split(" ")[0] + " " + path + " -> " + failure);
                        }
                    }
                    if (thinkMillis > 0) {
                        try {
                            Thread.sleep(random.nextInt(thinkMillis / 2, thinkMillis * 3 / 2 + 1));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, "serve-bench-client-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        ready.await();
        window[0] = System.nanoTime();
        window[1] = window[0] + TimeUnit.SECONDS.toNanos(seconds);
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        double wall = (System.nanoTime() - window[0]) / 1e9;
        long[][] nanos = new long[kinds][];
        int[] errorCounts = new int[kinds];
        for (int k = 0; k < kinds; k++) {
            Samples all = new Samples();
            for (Samples[] s : samples) {
                all.addAll(s[k]);
            }
            nanos[k] = all.sorted();
            errorCounts[k] = errors[k].get();
        }
        submitted.addAll(ids);
        List<String> ex = new ArrayList<>(examples);
        if (exampleCount.get() > ex.size()) {
            ex.add("... and " + (exampleCount.get() - ex.size()) + " more");
        }
        return new Result(nanos, errorCounts, ex, wall);
    }

    private static long someJob(long trainingJob, ConcurrentSkipListSet<Long> ids, ThreadLocalRandom random) {
        if (ids.isEmpty() || random.nextBoolean()) {
            return trainingJob;
        }
        Long pick = ids.ceiling(random.nextLong(ids.first(), ids.last() + 1));
        return pick == null ? trainingJob : pick;
    }

    /** A growable array of latencies, written by one client thread and read after it ended. */
    static final class Samples {
        private long[] values = new long[1024];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        void addAll(Samples other) {
            for (int i = 0; i < other.size; i++) {
                add(other.values[i]);
            }
        }

        long[] sorted() {
            long[] v = Arrays.copyOf(values, size);
            Arrays.sort(v);
            return v;
        }
    }
}
