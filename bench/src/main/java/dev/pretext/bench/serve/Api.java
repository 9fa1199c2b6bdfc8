package dev.pretext.bench.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One client of the server's REST API: its own {@link HttpClient} (so its own keep-alive connection), HTTP/1.1,
 * the token on every request as the CLI and the web view send it when they have one.
 */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper();
    /** A request that takes longer than this counts as an error. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** A response: its status and body. */
    record Reply(int status, String body) {
        boolean ok() {
            return status / 100 == 2;
        }

        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }

        /** For error reports: the status and the body's first line, cut short. */
        String brief() {
            String b = body == null ? "" : body.strip().lines().findFirst().orElse("");
            return status + " " + (b.length() > 240 ? b.substring(0, 240) + "..." : b);
        }
    }

    private final HttpClient http;
    private final String base;
    private final String token;

    Api(String base, String token) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.base = base;
        this.token = token;
    }

    Reply get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    Reply post(String path, String contentType, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b.build());
    }

    /** A job's detail ({@code GET /api/jobs/ID}), or an exception naming the reply when it is not 200. */
    JsonNode job(long id) throws IOException, InterruptedException {
        Reply r = get("/api/jobs/" + id);
        if (!r.ok()) {
            throw new IOException("GET /api/jobs/" + id + " -> " + r.brief());
        }
        return r.json();
    }

    /** Submits a recipe; returns the new job's id, or an exception naming the reply when it is not 201. */
    long submit(String recipe, int priority) throws IOException, InterruptedException {
        Reply r = post("/api/jobs?priority=" + priority, "application/yaml", recipe);
        if (r.status() != 201) {
            throw new IOException("POST /api/jobs -> " + r.brief());
        }
        return r.json().get("id").asLong();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token);
    }

    private Reply send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }
}
