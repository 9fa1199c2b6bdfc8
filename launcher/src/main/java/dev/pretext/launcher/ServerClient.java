package dev.pretext.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pretext.core.Json;
import dev.pretext.core.PretextFailure;
import dev.pretext.core.UserError;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The CLI's side of the REST API: the token from PRETEXT_TOKEN or a file, errors as the server words them. */
final class ServerClient {
    static final String DEFAULT_URL = "http://127.0.0.1:8420";

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    ServerClient(String url, Path tokenFile) {
        String u = url != null ? url : System.getenv().getOrDefault("PRETEXT_SERVER", DEFAULT_URL);
        try {
            this.base = URI.create(u.endsWith("/") ? u : u + "/");
        } catch (IllegalArgumentException e) {
            throw new UserError("--server " + u + " is not a URL (e.g. " + DEFAULT_URL + ")");
        }
        if (tokenFile != null) {
            try {
                this.token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UserError("cannot read the token file " + tokenFile + ": " + e.getMessage());
            }
        } else {
            this.token = System.getenv("PRETEXT_TOKEN");
        }
    }

    JsonNode get(String path) {
        return send(request(path).GET().build());
    }

    String getText(String path) {
        HttpResponse<String> r = exchange(request(path).GET().build());
        if (r.statusCode() >= 400) {
            throw failure(r);
        }
        return r.body();
    }

    JsonNode post(String path, String contentType, String body) {
        return send(request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(120));
        if (token != null && !token.isBlank()) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private JsonNode send(HttpRequest request) {
        HttpResponse<String> r = exchange(request);
        if (r.statusCode() >= 400) {
            throw failure(r);
        }
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new PretextFailure("the server at " + base + " answered with something that is not JSON");
        }
    }

    private HttpResponse<String> exchange(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new UserError("no pretext server at " + base + " (start one with `pretext serve`, or give --server "
                    + "URL)");
        } catch (IOException e) {
            throw new PretextFailure("talking to " + base + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PretextFailure("interrupted");
        }
    }

    /** The server's own words: a 4xx is the user's to fix (exit 2), a 5xx the server's (exit 1). */
    private RuntimeException failure(HttpResponse<String> r) {
        String message;
        StringBuilder details = new StringBuilder();
        try {
            JsonNode err = Json.MAPPER.readTree(r.body()).path("error");
            message = err.path("message").asText("HTTP " + r.statusCode());
            for (JsonNode p : err.path("problems")) {
                if (p.hasNonNull("hint")) {
                    details.append("\n  hint: ").append(p.get("hint").asText());
                }
            }
        } catch (IOException e) {
            message = "HTTP " + r.statusCode();
        }
        String text = "the server refused: " + message + details;
        if (r.statusCode() == 401) {
            text += "\n  set PRETEXT_TOKEN (or --token-file) to the token `pretext serve --add-user NAME` printed";
        }
        return r.statusCode() < 500 ? new UserError(text) : new PretextFailure(text);
    }
}
