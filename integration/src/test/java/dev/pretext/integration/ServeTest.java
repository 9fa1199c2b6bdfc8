package dev.pretext.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real {@code pretext serve} as a research group runs it: a separate JVM on the real bundles, jobs trained in
 * child JVMs. A bundle dropped into the watched folder shows up beside the old version while the server runs; a
 * queued job keeps the bundles it was submitted with; after {@code kill -9} of the server its running job
 * follows it down, and on restart resumes from its checkpoint to exactly the parameters of an uninterrupted job.
 */
class ServeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private String recipe;


    @TempDir
    Path temp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<ServeProcess> servers = new ArrayList<>();

    @AfterEach
    void stopServers() throws InterruptedException {
        for (ServeProcess s : servers) {
            s.close();
        }
    }

    @Test
    void pinnedJobsSideBySideVersionsAndKillNineWithNothingLost() throws Exception {
        Path home = temp.resolve("home");
        Path cache = temp.resolve("cache");
        // tiny.yaml with more steps: long enough (seconds) that the server can be killed mid-run.
        recipe = ServeProcess.tinyRecipe("name: tiny", "name: served", "budget: {steps: 40}", "budget: {steps: 300}",
                "checkpoint: {every_steps: 4, keep: 20}", "checkpoint: {every_steps: 10, keep: 100}");
        String token = ServeProcess.addUser(cache, home, "ada", temp.resolve("add-user.txt"));
        ServeProcess server = serve(cache, home, "server-1.txt");
        String url = server.url();
        assertFalse(server.log().contains(token), "the token is never logged");

        // Job 1 is submitted on the shipped bundles.
        JsonNode one = submit(url, token);
        long id1 = one.get("id").asLong();
        String gain = version(one.get("bundles"), "dev.pretext.augmentations.gain");

        // A new release of the gain plugin, dropped in while the server runs, is listed beside the old one.
        Path plugins = home.resolve("plugins");
        Dist.withVersion(Dist.bundle("pretext-augment-gain"), "9.9.9",
                plugins.resolve("pretext-augment-gain-9.9.9.jar"));
        // And a jar that is no bundle at all: listed with its cause, harming nothing.
        Files.write(plugins.resolve("not-a-bundle.jar"), new byte[]{'P', 'K', 0, 0, 'x'});
        long deadline = System.currentTimeMillis() + 60_000;
        List<String> versions = List.of();
        String problems = "";
        while (System.currentTimeMillis() < deadline) {
            versions = new ArrayList<>();
            for (JsonNode p : get(url + "/api/plugins", null).get("plugins")) {
                if (p.get("kind").asText().equals("augmentation") && p.get("type").asText().equals("gain")) {
                    versions.add(p.get("version").asText());
                }
            }
            problems = get(url + "/api/plugins", null).get("problems").toString();
            if (versions.contains("9.9.9") && problems.contains("not-a-bundle.jar")) {
                break;
            }
            Thread.sleep(250);
        }
        assertTrue(versions.contains("9.9.9") && versions.contains(gain), "both versions side by side: " + versions);
        assertTrue(problems.contains("not-a-bundle.jar"), "the broken jar is listed with its cause: " + problems);

        // Job 2, submitted after the drop, pins the new jar too; job 1's bundles are what they were.
        JsonNode two = submit(url, token);
        long id2 = two.get("id").asLong();
        assertTrue(bundleVersions(two.get("bundles"), "dev.pretext.augmentations.gain").contains("9.9.9"));
        assertFalse(two.get("bundles").toString().contains("not-a-bundle"), "only active bundles are pinned");
        JsonNode oneNow = get(url + "/api/jobs/" + id1, null);
        assertEquals(one.get("bundles"), oneNow.get("bundles"), "a submitted job keeps the bundles it was given");
        assertFalse(bundleVersions(oneNow.get("bundles"), "dev.pretext.augmentations.gain").contains("9.9.9"));
        assertFalse(Files.exists(home.resolve("jobs/" + id1 + "/plugins/dev.pretext.augmentations.gain-9.9.9.jar")));

        // kill -9 the server while job 1 trains; its child follows it down.
        Path run1 = home.resolve("jobs/" + id1 + "/runs/served");
        Path firstCheckpoint = run1.resolve("checkpoints/step-00000010");
        deadline = System.currentTimeMillis() + 300_000;
        while (!Files.isDirectory(firstCheckpoint) && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        List<ProcessHandle> children = server.process().descendants().toList();
        server.kill();
        assertTrue(Files.isDirectory(firstCheckpoint), "job 1 never reached its first checkpoint");
        for (ProcessHandle c : children) {
            c.onExit().get(30, TimeUnit.SECONDS);
        }
        assertFalse(Files.exists(run1.resolve("checkpoints/step-00000300")),
                "job 1 finished before the server was killed; the test proves nothing");
        assertEquals("running", statusOf(home, id1), "the server died with job 1 running");
        assertEquals("queued", statusOf(home, id2));

        // Restarted (even without its database), the server resumes job 1 and then runs job 2.
        try (var db = Files.walk(home.resolve("db"))) {
            db.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertFalse(Files.exists(home.resolve("db")), "the database is gone; the job folders are the truth");
        ServeProcess again = serve(cache, home, "server-2.txt");
        String url2 = again.url();
        JsonNode done1 = awaitEnd(url2, id1);
        JsonNode done2 = awaitEnd(url2, id2);
        assertEquals("finished", done1.get("state").asText(), done1.toString());
        assertEquals("finished", done2.get("state").asText(), done2.toString());
        assertEquals(2, done1.get("attempt").asInt(), "job 1 ran twice: before the kill and resumed after it");
        assertEquals(1, done2.get("attempt").asInt(), "job 2 ran once");

        List<String> steps = Files.readAllLines(run1.resolve("metrics.jsonl"));
        assertEquals(300, steps.size(), "each step logged exactly once");
        Path run2 = home.resolve("jobs/" + id2 + "/runs/served");
        assertArrayEquals(Files.readAllBytes(run2.resolve("checkpoints/step-00000300/model.ndlist")),
                Files.readAllBytes(run1.resolve("checkpoints/step-00000300/model.ndlist")),
                "the resumed job ends with the uninterrupted job's parameters");
        assertTrue(again.log().contains("job " + id1 + " (served) was running when the server stopped"),
                "the restart says what it resumed: " + again.log());
    }

    private JsonNode submit(String url, String token) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/jobs?name=served.yaml"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(recipe)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private JsonNode get(String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return JSON.readTree(r.body());
    }

    private JsonNode awaitEnd(String url, long id) throws Exception {
        long deadline = System.currentTimeMillis() + 600_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode j = get(url + "/api/jobs/" + id, null);
            String s = j.get("state").asText();
            if (!s.equals("queued") && !s.equals("running")) {
                return j;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("job " + id + " did not end in 10 minutes");
    }

    private static String statusOf(Path home, long id) throws IOException {
        return JSON.readTree(home.resolve("jobs/" + id + "/status.json").toFile()).get("state").asText();
    }

    private static String version(JsonNode bundles, String symbolicName) {
        List<String> v = bundleVersions(bundles, symbolicName);
        assertEquals(1, v.size(), symbolicName + " pinned once: " + bundles);
        return v.get(0);
    }

    private static List<String> bundleVersions(JsonNode bundles, String symbolicName) {
        List<String> v = new ArrayList<>();
        for (JsonNode b : bundles) {
            if (b.get("bundle").asText().equals(symbolicName)) {
                v.add(b.get("version").asText());
            }
        }
        return v;
    }

    private ServeProcess serve(Path cache, Path home, String log) throws Exception {
        ServeProcess s = ServeProcess.start(cache, home, temp.resolve(log));
        servers.add(s);
        return s;
    }
}
