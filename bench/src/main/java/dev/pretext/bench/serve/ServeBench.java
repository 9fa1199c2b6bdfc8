package dev.pretext.bench.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pretext.bench.Bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bench/run serve [--clients 50] [--seconds 60] [--queued 1000] [--think MS]}: a bounded load test of a
 * real {@code pretext serve} on loopback (issue 14, item 8). The server runs in its own JVM from the distribution
 * with one job slot; a long training job (the tiny test recipe with a budget it never reaches) holds the slot.
 * First, one client's round trip on an idle keep-alive connection, and the training job's speed alone for
 * {@value #BASELINE_SECONDS} s. Phase 1: N clients loop for S seconds over reads (list, detail, log, health) and
 * about 5% submissions, which queue behind the training job. Phase 2: submissions until Q jobs are queued (the
 * clients' count), then the queue is paged through 100 at a time and checked: every queued job listed exactly
 * once, newest first, the same total on every page. Then every job is cancelled and the server stopped. Prints a
 * table; exits 1 when a request failed, the listing was wrong or
 * the reads' p99 was over {@value #P99_LIMIT_MS} ms.
 */
public final class ServeBench {
    static final double P99_LIMIT_MS = 200;
    private static final int PAGE = 100;
    private static final int SUBMITTERS = 4;
    private static final int IDLE_ROUND_TRIPS = 30;
    private static final int BASELINE_SECONDS = 10;

    /** The tiny test recipe (integration/src/test/resources/recipes/tiny.yaml) with a budget it never reaches. */
    static final String TRAINING = """
            name: serve-bench-train
            seed: 3
            budget: {steps: 1000000}
            data:
              train: {type: tts, minutes: 0.5, speakers: 2, seed: 1}
            frontend: {type: fbank, bins: 40}
            encoder: {type: transformer, layers: 2, dim: 32, heads: 2, ffn: 64}
            objective: {type: mam}
            optim: {lr: 1.0e-3, warmup: 0.2}
            batch: {seconds: 8, max_utterance_seconds: 4, loader_threads: 1, prefetch: 2}
            checkpoint: {every_steps: 500, keep: 2}
            """;

    /** The tiny test recipe as it is: what the clients submit (it queues behind the training job, never runs). */
    static final String QUEUED = """
            name: serve-bench-queued
            seed: 3
            budget: {steps: 40}
            data:
              train: {type: tts, minutes: 0.5, speakers: 2, seed: 1}
            frontend: {type: fbank, bins: 40}
            encoder: {type: transformer, layers: 2, dim: 32, heads: 2, ffn: 64}
            objective: {type: mam}
            optim: {lr: 1.0e-3, warmup: 0.2}
            batch: {seconds: 8, max_utterance_seconds: 4, loader_threads: 1, prefetch: 2}
            checkpoint: {every_steps: 4, keep: 20}
            """;

    private ServeBench() {
    }

    public static void main(String[] args) throws Exception {
        int clients = 50;
        int seconds = 60;
        int queued = 1000;
        int think = 0;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a number");
            }
            int value = Integer.parseInt(args[++i]);
            switch (flag) {
                case "--clients" -> clients = value;
                case "--seconds" -> seconds = value;
                case "--queued" -> queued = value;
                case "--think" -> think = value;
                default -> throw new IllegalArgumentException("unknown option " + flag + "; bench/run serve "
                        + "[--clients 50] [--seconds 60] [--queued 1000] [--think MS]");
            }
        }
        if (clients < 1 || seconds < 1 || queued < 0 || think < 0) {
            throw new IllegalArgumentException("--clients and --seconds must be at least 1, --queued and --think "
                    + "at least 0");
        }
        Path root = Path.of(System.getProperty("pretext.home"));
        Path work = Files.createTempDirectory("pretext-serve-bench-");
        Path home = work.resolve("home");
        String loadBefore = loadAverage();
        List<String> problems = new ArrayList<>();
        List<String[]> rows = new ArrayList<>();
        List<String[]> endpoints = new ArrayList<>();
        boolean clean = false;
        System.out.println("pretext serve load test: " + clients + " clients x " + seconds + " s, then " + queued
                + " queued jobs listed; server home " + home);
        String token = ServeProcess.addAdmin(root, home, "bench", work.resolve("add-user.log"));
        try (ServeProcess server = ServeProcess.start(root, home, work.resolve("serve.log"))) {
            Api api = new Api(server.url(), token);
            long[] idle = idleRoundTrips(api);
            long training = api.submit(TRAINING, 0);
            System.out.println("server at " + server.url() + "; training job " + training + " submitted, waiting "
                    + "for its first step");
            long stepA = awaitTraining(api, training);
            long tA = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(BASELINE_SECONDS));
            long step0 = step(api.job(training));
            double alone = (step0 - stepA) / ((System.nanoTime() - tA) / 1e9);

            // Phase 1: the clients.
            Set<Long> submitted = new ConcurrentSkipListSet<>();
            System.out.println("phase 1: " + clients + " clients for " + seconds + " s (training at step " + step0
                    + ")");
            Load.Result load = Load.run(server.url(), token, training, QUEUED, clients, seconds, think, submitted);
            long step1 = step(api.job(training));
            if (load.errorCount() > 0) {
                problems.add(load.errorCount() + " of " + load.requests() + " requests failed under load");
            }
            long[] reads = load.reads();
            double p99 = ms(pct(reads, 0.99));
            if (p99 > P99_LIMIT_MS) {
                problems.add(String.format(Locale.ROOT, "read p99 %.1f ms is over %.0f ms", p99, P99_LIMIT_MS));
            }

            // Phase 2: fill the queue, then page through it.
            int before = total(api, "state=queued");
            if (before != submitted.size()) {
                problems.add("after phase 1 the server lists " + before + " queued jobs; " + submitted.size()
                        + " were submitted");
            }
            System.out.println("phase 2: " + submitted.size() + " jobs queued by the clients, submitting "
                    + Math.max(0, queued - submitted.size()) + " more");
            long t0 = System.nanoTime();
            int topUp = Math.max(0, queued - submitted.size());
            List<String> submitErrors = topUp(server.url(), token, topUp, submitted);
            double topUpSeconds = (System.nanoTime() - t0) / 1e9;
            if (!submitErrors.isEmpty()) {
                problems.add(submitErrors.size() + " submissions of phase 2 failed, first: " + submitErrors.get(0));
            }
            Listing listing = list(api, submitted);
            problems.addAll(listing.problems());
            long step2 = step(api.job(training));

            // Cancel everything, then stop the server.
            t0 = System.nanoTime();
            List<String> cancelErrors = cancelAll(server.url(), token, submitted);
            double cancelSeconds = (System.nanoTime() - t0) / 1e9;
            Api.Reply cancel = api.post("/api/jobs/" + training + "/cancel", null, "");
            if (cancel.status() != 202) {
                cancelErrors.add("POST /api/jobs/" + training + "/cancel -> " + cancel.brief());
            }
            if (!cancelErrors.isEmpty()) {
                problems.add(cancelErrors.size() + " cancels failed, first: " + cancelErrors.get(0));
            }
            String trainingEnd = awaitEnd(api, training);
            int left = total(api, "state=queued");
            if (left != 0) {
                problems.add(left + " jobs still queued after every one was cancelled");
            }
            String serverLog = server.log();
            List<String> serverFailures = serverLog.lines()
                    .filter(l -> l.contains(" failed: ") || l.contains(" scheduler: ")).toList();
            if (!serverFailures.isEmpty()) {
                problems.add("the server logged " + serverFailures.size() + " failures, first: "
                        + serverFailures.get(0));
            }

            int requests = load.requests();
            long[] submits = load.of(Load.Kind.SUBMIT);
            rows.add(row("clients", clients + (think > 0 ? " (think time " + think + " ms +-50%)"
                    : " (closed loop, no think time)")));
            rows.add(row("seconds", String.format(Locale.ROOT, "%d (measured %.1f)", seconds, load.seconds())));
            rows.add(row("requests", String.format(Locale.ROOT, "%d (%d reads, %d submits)", requests,
                    reads.length, submits.length)));
            rows.add(row("errors", Integer.toString(load.errorCount())));
            rows.add(row("throughput", String.format(Locale.ROOT, "%.1f req/s", requests / load.seconds())));
            rows.add(row("read p50 / p95 / p99 / max", String.format(Locale.ROOT, "%.1f / %.1f / %.1f / %.1f ms",
                    ms(pct(reads, 0.5)), ms(pct(reads, 0.95)), p99, ms(max(reads)))));
            rows.add(row("submit p50 / p99", String.format(Locale.ROOT, "%.1f / %.1f ms", ms(pct(submits, 0.5)),
                    ms(pct(submits, 0.99)))));
            rows.add(row("idle round trip before (1 client)", String.format(Locale.ROOT, "%.1f ms median, %.1f "
                    + "ms fastest (%d x GET /api/health, one keep-alive connection)", ms(pct(idle, 0.5)),
                    ms(idle[0]), idle.length)));
            rows.add(row("training steps during phase 1", String.format(Locale.ROOT, "%d (step %d -> %d, %.1f "
                    + "steps/s; %.1f steps/s in the %d s before, without clients)", step1 - step0, step0, step1,
                    (step1 - step0) / load.seconds(), alone, BASELINE_SECONDS)));
            rows.add(row("queued jobs", topUp == 0 ? submitted.size() + " (all submitted by the clients)"
                    : String.format(Locale.ROOT, "%d (%d by the clients, %d more in %.1f s = %.1f submits/s from "
                    + "%d threads)", submitted.size(), before, topUp, topUpSeconds, topUp / topUpSeconds,
                    SUBMITTERS)));
            rows.add(row("queued jobs listed", listing.listed() + " of " + submitted.size() + " (total "
                    + listing.total() + (listing.problems().isEmpty() ? ", each once)" : ", WRONG: see below)")));
            rows.add(row("pages", listing.pages() + " of " + PAGE));
            rows.add(row("listing", String.format(Locale.ROOT, "%.1f ms (slowest page %.1f ms)", listing.ms(),
                    listing.slowestMs())));
            rows.add(row("training steps during phase 2", Long.toString(step2 - step1)));
            rows.add(row("cancelled", String.format(Locale.ROOT, "%d queued jobs in %.1f s; training job %s",
                    submitted.size(), cancelSeconds, trainingEnd)));
            for (Load.Kind k : Load.Kind.values()) {
                long[] n = load.of(k);
                endpoints.add(new String[]{k.label, Integer.toString(n.length), Integer.toString(load.errors()[k.ordinal()]),
                        fmt(ms(pct(n, 0.5))), fmt(ms(pct(n, 0.95))), fmt(ms(pct(n, 0.99))), fmt(ms(max(n)))});
            }
            if (!load.examples().isEmpty()) {
                System.out.println("\nfailed requests (first " + load.examples().size() + "):");
                load.examples().forEach(e -> System.out.println("  " + e));
            }
            clean = problems.isEmpty();
        } finally {
            if (clean) {
                deleteTree(work);
            } else {
                System.out.println("the server's home and log are kept in " + work);
            }
        }
        System.out.println();
        Bench.printTable(List.of("pretext serve under load", "result"), rows);
        System.out.println();
        Bench.printTable(List.of("request (phase 1)", "count", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms"),
                endpoints);
        System.out.printf("%n%s; %d cores, Java %s; load average before %s, after %s%n", cpu(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadBefore,
                loadAverage());
        if (!problems.isEmpty()) {
            System.out.println("\nFAILED:");
            problems.forEach(p -> System.out.println("  " + p));
            System.exit(1);
        }
        System.out.println("\nOK: no errors, read p99 under " + (int) P99_LIMIT_MS + " ms, every queued job listed "
                + "once");
    }

    /** Sequential health checks on one idle keep-alive connection (after one to open it), sorted. */
    private static long[] idleRoundTrips(Api api) throws IOException, InterruptedException {
        api.get("/api/health");
        long[] nanos = new long[IDLE_ROUND_TRIPS];
        for (int i = 0; i < nanos.length; i++) {
            long t0 = System.nanoTime();
            Api.Reply r = api.get("/api/health");
            nanos[i] = System.nanoTime() - t0;
            if (!r.ok()) {
                throw new IOException("GET /api/health -> " + r.brief());
            }
        }
        Arrays.sort(nanos);
        return nanos;
    }

    /** Waits until the job runs and has logged a step; returns that step. */
    private static long awaitTraining(Api api, long id) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            JsonNode job = api.job(id);
            String state = job.path("state").asText();
            if (!state.equals("queued") && !state.equals("running")) {
                throw new IllegalStateException("the training job ended (" + state + ": " + job.path("reason")
                        .asText() + ") before the load; its log:\n" + api.get("/api/jobs/" + id + "/log?tail=40")
                        .body());
            }
            long step = step(job);
            if (state.equals("running") && step > 0) {
                return step;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the training job did not log a step within 10 minutes");
    }

    /** Waits until the job has ended after its cancel; returns its state and how long that took. */
    private static String awaitEnd(Api api, long id) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            String state = api.job(id).path("state").asText();
            if (!state.equals("queued") && !state.equals("running")) {
                return String.format(Locale.ROOT, "%s %.1f s after its cancel", state, (System.nanoTime() - t0) / 1e9);
            }
            Thread.sleep(200);
        }
        return "still running 2 minutes after its cancel";
    }

    private static long step(JsonNode job) {
        return job.path("run").path("metrics").path("step").asLong(0);
    }

    private static int total(Api api, String filter) throws IOException, InterruptedException {
        Api.Reply r = api.get("/api/jobs?" + filter + "&limit=1");
        if (!r.ok()) {
            throw new IOException("GET /api/jobs?" + filter + " -> " + r.brief());
        }
        return r.json().get("total").asInt();
    }

    /** Submits {@code n} queued recipes from a few threads; returns the failures. */
    private static List<String> topUp(String url, String token, int n, Set<Long> submitted)
            throws InterruptedException {
        AtomicInteger left = new AtomicInteger(n);
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        parallel(() -> {
            Api api = new Api(url, token);
            while (left.getAndDecrement() > 0) {
                try {
                    submitted.add(api.submit(QUEUED, -1));
                } catch (IOException e) {
                    errors.add(e.getMessage());
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return new ArrayList<>(errors);
    }

    private static List<String> cancelAll(String url, String token, Set<Long> ids) throws InterruptedException {
        ConcurrentLinkedQueue<Long> todo = new ConcurrentLinkedQueue<>(ids);
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        parallel(() -> {
            Api api = new Api(url, token);
            for (Long id; (id = todo.poll()) != null; ) {
                try {
                    Api.Reply r = api.post("/api/jobs/" + id + "/cancel", null, "");
                    if (r.status() != 202) {
                        errors.add("POST /api/jobs/" + id + "/cancel -> " + r.brief());
                    }
                } catch (IOException e) {
                    errors.add("POST /api/jobs/" + id + "/cancel -> " + e);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return new ArrayList<>(errors);
    }

    private static void parallel(Runnable work) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < SUBMITTERS; i++) {
            Thread t = new Thread(work, "serve-bench-worker-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    record Listing(int listed, int total, int pages, double ms, double slowestMs, List<String> problems) {
    }

    /**
     * Pages through the queued jobs, {@value #PAGE} at a time, and checks the listing against what was submitted:
     * each once, newest first, the same total on every page.
     */
    private static Listing list(Api api, Set<Long> expected) throws IOException, InterruptedException {
        List<String> problems = new ArrayList<>();
        List<Long> seen = new ArrayList<>();
        int total = -1;
        int pages = 0;
        double slowest = 0;
        long t0 = System.nanoTime();
        for (int offset = 0; total < 0 || offset < total; offset += PAGE) {
            long p0 = System.nanoTime();
            Api.Reply r = api.get("/api/jobs?state=queued&limit=" + PAGE + "&offset=" + offset);
            slowest = Math.max(slowest, ms(System.nanoTime() - p0));
            pages++;
            if (!r.ok()) {
                problems.add("GET /api/jobs?state=queued&limit=" + PAGE + "&offset=" + offset + " -> " + r.brief());
                break;
            }
            JsonNode page = r.json();
            int t = page.get("total").asInt();
            if (total >= 0 && t != total) {
                problems.add("page at offset " + offset + " says total " + t + ", the first page said " + total);
            }
            total = t;
            JsonNode jobs = page.get("jobs");
            if (jobs.size() != Math.min(PAGE, Math.max(0, total - offset))) {
                problems.add("page at offset " + offset + " has " + jobs.size() + " jobs of total " + total);
            }
            for (JsonNode j : jobs) {
                if (!j.path("state").asText().equals("queued")) {
                    problems.add("job " + j.path("id").asLong() + " listed as queued is " + j.path("state").asText());
                }
                seen.add(j.get("id").asLong());
            }
            if (jobs.isEmpty()) {
                break;
            }
        }
        double ms = ms(System.nanoTime() - t0);
        Set<Long> unique = new HashSet<>(seen);
        if (unique.size() != seen.size()) {
            problems.add((seen.size() - unique.size()) + " jobs listed more than once");
        }
        List<Long> order = new ArrayList<>(seen);
        order.sort(Comparator.reverseOrder());
        if (!order.equals(seen)) {
            problems.add("the listing is not newest first");
        }
        Set<Long> missing = new HashSet<>(expected);
        missing.removeAll(unique);
        Set<Long> extra = new HashSet<>(unique);
        extra.removeAll(expected);
        if (!missing.isEmpty()) {
            problems.add(missing.size() + " submitted jobs missing from the listing, e.g. " + missing.iterator().next());
        }
        if (!extra.isEmpty()) {
            problems.add(extra.size() + " jobs listed that were not submitted, e.g. " + extra.iterator().next());
        }
        if (total != expected.size()) {
            problems.add("the listing's total is " + total + "; " + expected.size() + " jobs were queued");
        }
        return new Listing(unique.size(), total, pages, ms, slowest, problems);
    }

    /** Nearest rank; 0 when there is nothing. */
    static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    private static long max(long[] sorted) {
        return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String[] row(String name, String value) {
        return new String[]{name, value};
    }

    /** The CPU's model name and whether it has AVX-512 (avx512f among the flags of /proc/cpuinfo). */
    static String cpu() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            String model = field(lines, "model name");
            String family = field(lines, "cpu family");
            List<String> flags = List.of(field(lines, "flags").split("\\s+"));
            return "CPU: " + model + " (family " + family + ", " + (flags.contains("avx512f") ? "avx512f"
                    : "no avx512f") + (flags.contains("avx2") ? ", avx2" : "") + ")";
        } catch (IOException e) {
            return "CPU: ? (" + e.getMessage() + ")";
        }
    }

    private static String field(List<String> cpuinfo, String name) {
        return cpuinfo.stream().filter(l -> l.startsWith(name)).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
