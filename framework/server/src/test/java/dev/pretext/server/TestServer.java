package dev.pretext.server;

import dev.pretext.core.recipe.LoadedRecipe;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A whole server for tests: the real index, job store, scheduler and HTTP API; recipes checked by the core's
 * own recipe reader; jobs run as real child processes of {@link FakeJob}; bundles are the jars of a folder.
 */
final class TestServer implements AutoCloseable {
    static final String RECIPE = """
            name: %s
            seed: 1
            budget: {steps: 2}
            data:
              train: {type: tts, minutes: 0.5}
            frontend: {type: fbank, bins: 40}
            encoder: {type: transformer, layers: 2, dim: 32, heads: 2, ffn: 64}
            objective: {type: mam}
            """;

    final Path home;
    final JobIndex index;
    final Jobs jobs;
    final Scheduler scheduler;
    final ApiServer api;
    final List<String> log = new CopyOnWriteArrayList<>();
    final HttpClient http = HttpClient.newHttpClient();

    TestServer(Path home, Path bundles, Scheduler.Limits limits, InetAddress bind) throws IOException {
        this.home = home;
        this.index = JobIndex.open(home.resolve("db"));
        BundleSource source = () -> {
            List<BundleSource.LiveBundle> live = new ArrayList<>();
            try (var ds = Files.newDirectoryStream(bundles, "*.jar")) {
                for (Path jar : ds) {
                    String[] nv = jar.getFileName().toString().replace(".jar", "").split("-", 2);
                    live.add(new BundleSource.LiveBundle(jar, nv[0], nv[1]));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return live;
        };
        Validator validator = main -> new Validator.Checked(JobSpec.RECIPE, LoadedRecipe.load(main).recipe().name());
        this.jobs = new Jobs(home, index, validator, source, new PathRules(List.of(home.resolve("data"))));
        JobLauncher launcher = (folder, spec, status) -> List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), FakeJob.class.getName(), spec.name());
        this.scheduler = new Scheduler(jobs, launcher, limits, log::add);
        scheduler.start();
        this.api = new ApiServer(new InetSocketAddress(bind, 0), jobs, scheduler, () -> Map.of("plugins", List.of()),
                "test", log::add);
        api.start();
    }

    String token(String user, boolean admin) {
        String token = Tokens.newToken();
        index.addUser(user, Tokens.sha256(token), admin);
        return token;
    }

    HttpResponse<String> send(String method, String path, String token, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> submit(String token, String name) throws IOException, InterruptedException {
        return send("POST", "/api/jobs", token, "application/yaml", RECIPE.formatted(name));
    }

    JobState awaitState(long id, long timeoutMillis, JobState... states) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            JobState s = jobs.folder(id).orElseThrow().status().state();
            for (JobState want : states) {
                if (s == want) {
                    return s;
                }
            }
            if (System.currentTimeMillis() > deadline) {
                return s;
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        api.close();
        scheduler.close();
        index.close();
    }
}
