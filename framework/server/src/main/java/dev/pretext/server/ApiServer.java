package dev.pretext.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The REST API (docs/openapi.yaml), on the JDK's own HTTP server. JSON everywhere, one error shape
 * ({@link ApiError}). Every write needs a token ({@code Authorization: Bearer ...}); reads too when the server
 * listens beyond loopback. Tokens are read from the header only, never from URLs, and never logged.
 */
public final class ApiServer implements AutoCloseable {
    static {
        // The JDK server leaves Nagle's algorithm on: on a kept-alive connection each small answer then waits
        // about 40 ms for the client's delayed ACK (measured by bench/run serve). Read once, before the first server.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }


    private final HttpServer http;
    private final ExecutorService pool;
    private final Jobs jobs;
    private final Scheduler scheduler;
    private final Inventory inventory;
    private final boolean openReads;
    private final String version;
    private final Consumer<String> log;
    private final LiveEvents events;
    private volatile boolean closing;

    public ApiServer(InetSocketAddress address, Jobs jobs, Scheduler scheduler, Inventory inventory, String version,
                     Consumer<String> log) throws IOException {
        this.jobs = jobs;
        this.scheduler = scheduler;
        this.inventory = inventory;
        this.version = version;
        this.log = log;
        this.openReads = address.getAddress() != null && address.getAddress().isLoopbackAddress();
        this.http = HttpServer.create(address, 64);
        this.events = new LiveEvents(() -> closing);
        // Enough threads for the live views (each holds one while it streams) and the requests beside them.
        this.pool = Executors.newFixedThreadPool(LiveEvents.MAX_STREAMS + 16, r -> {
            Thread t = new Thread(r, "pretext-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(pool);
        http.createContext("/api/", this::handle);
        http.createContext("/", this::web);
    }

    public void start() {
        http.start();
    }

    public int port() {
        return http.getAddress().getPort();
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            try {
                route(ex);
            } catch (ApiError e) {
                error(ex, e);
            } catch (UncheckedIOException e) {
                error(ex, new ApiError(500, "io", e.getMessage()));
            } catch (RuntimeException e) {
                log.accept("request " + ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " failed: " + e);
                error(ex, new ApiError(500, "internal", "the server failed on this request: " + e));
            }
        } catch (IOException e) {
            // The client went away.
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String[] parts = ex.getRequestURI().getPath().replaceAll("/+$", "").split("/");
        // "", "api", ...
        List<String> p = List.of(parts).subList(Math.min(2, parts.length), parts.length);
        Map<String, String> query = query(ex.getRequestURI().getRawQuery());
        if (p.equals(List.of("health"))) {
            only(method, "GET");
            json(ex, 200, Map.of("status", "ok", "version", version, "running", scheduler.runningCount()));
            return;
        }
        if (p.equals(List.of("plugins"))) {
            only(method, "GET");
            reader(ex);
            json(ex, 200, inventory.describe());
            return;
        }
        if (p.equals(List.of("jobs"))) {
            if (method.equals("GET")) {
                reader(ex);
                JobState state = query.containsKey("state") ? state(query.get("state")) : null;
                int limit = intParam(query, "limit", 100, 1, 1_000);
                int offset = intParam(query, "offset", 0, 0, Integer.MAX_VALUE);
                JobIndex.Page page = jobs.index().jobs(state, query.get("user"), limit, offset);
                List<Map<String, Object>> rows = new ArrayList<>();
                for (JobIndex.Row r : page.rows()) {
                    rows.add(row(r));
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("jobs", rows);
                body.put("total", page.total());
                body.put("offset", offset);
                body.put("limit", limit);
                json(ex, 200, body);
                return;
            }
            only(method, "POST");
            JobIndex.User user = writer(ex);
            Submission submission = submission(ex, query);
            JobSpec spec = jobs.submit(user.name(), submission);
            scheduler.wake();
            log.accept("job " + spec.id() + " (" + spec.kind() + " " + spec.name() + ") submitted by " + user.name());
            json(ex, 201, detail(jobs.folder(spec.id()).orElseThrow()));
            return;
        }
        if (p.equals(List.of("runs"))) {
            only(method, "GET");
            reader(ex);
            JobIndex.RunOrder order;
            try {
                order = JobIndex.RunOrder.valueOf(query.getOrDefault("sort", "score").toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("sort must be score, flops or newest");
            }
            int limit = intParam(query, "limit", 100, 1, 1_000);
            int offset = intParam(query, "offset", 0, 0, Integer.MAX_VALUE);
            Long job = null;
            if (query.containsKey("job")) {
                try {
                    job = Long.parseLong(query.get("job"));
                } catch (NumberFormatException e) {
                    throw ApiError.badRequest("job must be a job id (a number), not '" + query.get("job") + "'");
                }
            }
            jobs.indexRunningRuns();
            JobIndex.RunPage page = jobs.index().runs(query.get("objective"), job, order, limit, offset);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("runs", page.rows());
            body.put("total", page.total());
            body.put("offset", offset);
            body.put("limit", limit);
            json(ex, 200, body);
            return;
        }
        if (p.size() >= 2 && p.get(0).equals("jobs")) {
            // The token first: without one, a missing job and an existing one must look the same.
            JobIndex.User caller = method.equals("POST") ? writer(ex) : null;
            if (caller == null) {
                reader(ex);
            }
            long id = id(p.get(1));
            JobFolder f = jobs.folder(id).orElseThrow(() -> ApiError.notFound("no job " + id));
            if (p.size() == 2) {
                only(method, "GET");
                json(ex, 200, detail(f));
                return;
            }
            String action = p.get(2);
            if (p.size() == 3 && action.equals("log")) {
                only(method, "GET");
                int tail = intParam(query, "tail", 200, 1, 100_000);
                text(ex, String.join("\n", Scheduler.tail(f.log(), tail)) + "\n");
                return;
            }
            if (action.equals("files")) {
                only(method, "GET");
                if (p.size() == 3) {
                    json(ex, 200, Map.of("files", JobFiles.list(f)));
                } else {
                    // The decoded path's segments: an escaped separator (%2F) is a separator here too, so '..'
                    // hidden in one is seen by the checks.
                    file(ex, JobFiles.resolve(f, String.join("/", p.subList(3, p.size()))));
                }
                return;
            }
            if (p.size() == 3 && action.equals("events")) {
                only(method, "GET");
                JobSpec spec = f.spec();
                Path metrics = null;
                Path results = null;
                if (JobSpec.RECIPE.equals(spec.kind())) {
                    metrics = f.runDir(spec).resolve("metrics.jsonl");
                } else {
                    Path sweep = f.runs().resolve(spec.name());
                    results = sweep.resolve("results.jsonl");
                    String run = query.get("run");
                    if (run != null) {
                        if (!run.matches("[A-Za-z0-9][A-Za-z0-9._+-]{0,199}")) {
                            throw ApiError.badRequest("run '" + run + "' is not a run name of this sweep");
                        }
                        metrics = sweep.resolve("runs").resolve(run).resolve("metrics.jsonl");
                    }
                }
                String last = Optional.ofNullable(ex.getRequestHeaders().getFirst("Last-Event-ID"))
                        .orElse(query.getOrDefault("after", "0"));
                long after;
                try {
                    after = Long.parseLong(last.strip());
                } catch (NumberFormatException e) {
                    throw ApiError.badRequest("Last-Event-ID / after must be a line number, not '" + last + "'");
                }
                events.stream(ex, f, metrics, results, after);
                return;
            }
            if (p.size() == 3 && List.of("cancel", "resume", "retry").contains(action)) {
                only(method, "POST");
                JobIndex.User user = caller;
                JobSpec spec = f.spec();
                if (!user.admin() && !user.name().equals(spec.user())) {
                    throw new ApiError(403, "forbidden", "job " + id + " is " + spec.user() + "'s; only they or an "
                            + "admin may " + action + " it");
                }
                switch (action) {
                    case "cancel" -> {
                        if (!scheduler.cancel(id, user.name())) {
                            throw new ApiError(409, "ended", "job " + id + " has already ended ("
                                    + f.status().state().id() + ")");
                        }
                    }
                    case "resume" -> scheduler.requeue(id, true);
                    default -> scheduler.requeue(id, false);
                }
                log.accept("job " + id + " " + action + " by " + user.name());
                json(ex, 202, detail(f));
                return;
            }
        }
        throw ApiError.notFound("no such endpoint: " + method + " " + ex.getRequestURI().getPath()
                + " (see docs/openapi.yaml)");
    }

    /** The web view: the page and its static assets, from the classpath; everything else of it is the API. */
    private void web(HttpExchange ex) {
        try (ex) {
            try {
                only(ex.getRequestMethod(), "GET");
                String path = ex.getRequestURI().getPath();
                String name = path.equals("/") ? "index.html" : path.startsWith("/static/") ? path.substring(8) : "";
                if (!WEB_ASSETS.contains(name)) {
                    throw ApiError.notFound("no page " + path + "; the web view is at /, the API under /api/");
                }
                byte[] bytes;
                try (InputStream in = ApiServer.class.getResourceAsStream("web/" + name)) {
                    if (in == null) {
                        throw new ApiError(500, "internal", "the web asset " + name + " is missing from the build");
                    }
                    bytes = in.readAllBytes();
                }
                String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                        : name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
                ex.getResponseHeaders().set("Content-Type", type);
                ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
                ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; img-src 'self' blob:; "
                        + "style-src 'self'; script-src 'self'; frame-ancestors 'none'");
                ex.sendResponseHeaders(200, bytes.length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(bytes);
                }
            } catch (ApiError e) {
                error(ex, e);
            }
        } catch (IOException e) {
            // The browser went away.
        }
    }

    private static final List<String> WEB_ASSETS = List.of("index.html", "app.js", "chart.js", "style.css");

    private static void file(HttpExchange ex, Path file) throws IOException {
        ex.getResponseHeaders().set("Content-Type", JobFiles.contentType(file.getFileName().toString()));
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        // A run's files are data: never run as a page, whatever is in them.
        ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; sandbox");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(200, Files.size(file));
        try (OutputStream os = ex.getResponseBody()) {
            Files.copy(file, os);
        }
    }

    private static void only(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw new ApiError(405, "method_not_allowed", method + " is not allowed here; use " + allowed);
        }
    }

    /** The caller's user, or 401. */
    private JobIndex.User authenticated(HttpExchange ex) {
        Optional<JobIndex.User> user = user(ex);
        if (user.isEmpty()) {
            throw new ApiError(401, "unauthorized", ex.getRequestHeaders().containsKey("Authorization")
                    ? "the token is not known to this server" : "a token is needed: send 'Authorization: Bearer "
                    + "TOKEN' (pretext serve --add-user NAME makes one)");
        }
        return user.get();
    }

    private JobIndex.User writer(HttpExchange ex) {
        return authenticated(ex);
    }

    private void reader(HttpExchange ex) {
        if (!openReads || ex.getRequestHeaders().containsKey("Authorization")) {
            authenticated(ex);
        }
    }

    private Optional<JobIndex.User> user(HttpExchange ex) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return jobs.index().userByToken(Tokens.sha256(header.substring(7).strip()));
    }

    private static Submission submission(HttpExchange ex, Map<String, String> query) throws IOException {
        String type = Optional.ofNullable(ex.getRequestHeaders().getFirst("Content-Type")).orElse("")
                .split(";")[0].strip().toLowerCase(Locale.ROOT);
        String body = body(ex);
        int priority = intParam(query, "priority", 0, -Submission.MAX_PRIORITY, Submission.MAX_PRIORITY);
        if (type.equals("application/json")) {
            JsonNode doc;
            try {
                doc = JobFolder.MAPPER.readTree(body);
            } catch (JsonProcessingException e) {
                throw ApiError.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
            }
            if (doc == null || !doc.isObject() || !doc.path("files").isObject()) {
                throw ApiError.badRequest("expected {\"files\": {\"NAME.yaml\": \"TEXT\", ...}, \"main\": "
                        + "\"NAME.yaml\", \"priority\": 0}");
            }
            Map<String, String> files = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = doc.get("files").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw ApiError.badRequest("files." + e.getKey() + " must be the file's text");
                }
                files.put(e.getKey(), e.getValue().asText());
            }
            JsonNode main = doc.get("main");
            JsonNode prio = doc.get("priority");
            if (prio != null && !(prio.isIntegralNumber() && prio.canConvertToInt())) {
                throw ApiError.badRequest("priority must be a whole number from -" + Submission.MAX_PRIORITY + " to "
                        + Submission.MAX_PRIORITY);
            }
            return new Submission(files, main == null || main.isNull() ? null : main.asText(),
                    prio == null ? priority : prio.asInt());
        }
        if (type.isEmpty() || type.contains("yaml") || type.equals("text/plain")) {
            String name = query.getOrDefault("name", "recipe.yaml");
            return Submission.single(name, body, priority);
        }
        throw new ApiError(415, "unsupported_media_type", "Content-Type " + type + " is not accepted; send "
                + "application/yaml (one recipe or sweep) or application/json ({\"files\": ...})");
    }

    /** Bodies up to this are read to the end before a 413, so that the client hears the answer, not a reset. */
    private static final long DRAIN = 16L << 20;

    private static String body(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > DRAIN) {
                    throw tooLarge();
                }
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("Content-Length '" + length + "' is not a number");
            }
        }
        // JSON escapes make a body up to about twice its files; read no more than that.
        int limit = Submission.MAX_BYTES * 2;
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                byte[] sink = new byte[1 << 16];
                long drained = bytes.length;
                for (int n; drained < DRAIN && (n = in.read(sink)) > 0; ) {
                    drained += n;
                }
                throw tooLarge();
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static ApiError tooLarge() {
        return new ApiError(413, "too_large", "the request body is larger than " + Submission.MAX_BYTES * 2
                + " bytes");
    }

    private static JobState state(String s) {
        try {
            return JobState.fromId(s);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("state '" + s + "' unknown; one of queued, running, finished, failed, cancelled");
        }
    }

    private static long id(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw ApiError.notFound("no job '" + s + "' (job ids are numbers)");
        }
    }

    private static int intParam(Map<String, String> q, String key, int dflt, int min, int max) {
        String v = q.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) {
                throw ApiError.badRequest(key + " must be between " + min + " and " + max);
            }
            return i;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(key + " must be an integer, not '" + v + "'");
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null) {
            return q;
        }
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    static Map<String, Object> row(JobIndex.Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("kind", r.kind());
        m.put("name", r.name());
        m.put("user", r.user());
        m.put("priority", r.priority());
        m.put("state", r.state().id());
        m.put("attempt", r.attempt());
        m.put("submitted", r.submitted());
        m.put("started", r.started());
        m.put("ended", r.ended());
        m.put("reason", r.reason());
        return m;
    }

    /** A job with what its folder holds: the pinned bundles and, as far as they got, its runs' results. */
    static Map<String, Object> detail(JobFolder f) {
        JobSpec spec = f.spec();
        JobStatus s = f.status();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", spec.id());
        m.put("kind", spec.kind());
        m.put("name", spec.name());
        m.put("user", spec.user());
        m.put("priority", spec.priority());
        m.put("state", s.state().id());
        m.put("attempt", s.attempt());
        m.put("submitted", spec.submitted());
        m.put("started", s.started());
        m.put("ended", s.ended());
        m.put("reason", s.reason());
        m.put("main", spec.main());
        m.put("bundles", spec.bundles());
        m.put("folder", f.dir().toString());
        if (JobSpec.RECIPE.equals(spec.kind())) {
            Path run = f.runDir(spec);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("folder", run.toString());
            r.put("finished", Files.isRegularFile(run.resolve("report.md")));
            r.put("metrics", lastLine(run.resolve("metrics.jsonl")));
            r.put("probes", readJson(run.resolve("probes.json")));
            m.put("run", r);
        } else {
            m.put("results", jsonLines(f.runs().resolve(spec.name()).resolve("results.jsonl")));
        }
        return m;
    }

    private static JsonNode lastLine(Path file) {
        try {
            List<String> t = Scheduler.tail(file, 1);
            return t.isEmpty() ? null : JobFolder.MAPPER.readTree(t.get(0));
        } catch (IOException e) {
            return null;
        }
    }

    private static JsonNode readJson(Path file) {
        try {
            return Files.isRegularFile(file) ? JobFolder.MAPPER.readTree(file.toFile()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static List<JsonNode> jsonLines(Path file) {
        List<JsonNode> rows = new ArrayList<>();
        try {
            if (Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        rows.add(JobFolder.MAPPER.readTree(line));
                    }
                }
            }
        } catch (IOException e) {
            // Being rewritten: the next poll reads it.
        }
        return rows;
    }

    private static void json(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JobFolder.MAPPER.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    private static void text(HttpExchange ex, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    private static void error(HttpExchange ex, ApiError e) throws IOException {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("status", e.status());
        err.put("code", e.code());
        err.put("message", e.getMessage());
        if (!e.problems().isEmpty()) {
            err.put("problems", e.problems());
        }
        if (e.status() == 401) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        }
        // The body may be unread (a refused upload): closing the exchange drains or drops it.
        json(ex, e.status(), Map.of("error", err));
    }

    @Override
    public void close() {
        closing = true;
        http.stop(1);
        pool.shutdownNow();
    }
}
