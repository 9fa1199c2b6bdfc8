package dev.pretext.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pretext submit} and {@code pretext jobs} against a real server: a sweep travels with its base recipe
 * and runs to the end, the queue and a job's log read back, and a mistake, a missing token or a server that is
 * not there each come back as one clear line with exit 2.
 */
class ServeCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @Test
    void submitASweepWithItsBaseWaitForItAndReadTheQueue() throws Exception {
        Path cache = temp.resolve("cache");
        Path home = temp.resolve("home");
        String token = ServeProcess.addUser(cache, home, "ada", temp.resolve("add-user.txt"));
        Path tokenFile = Files.writeString(temp.resolve("token"), token + "\n");
        Path study = Files.createDirectories(temp.resolve("study"));
        Files.writeString(study.resolve("tiny.yaml"), ServeProcess.tinyRecipe());
        Path sweep = Files.writeString(study.resolve("pair.yaml"),
                "name: pair\nbase: tiny.yaml   # sent along with the sweep\ngrid:\n  seed: [3, 4]\n");
        try (ServeProcess server = ServeProcess.start(cache, home, temp.resolve("server.txt"))) {
            String url = server.url();
            Cli submitted = Cli.run(cache, "submit", sweep.toString(), "--server", url, "--token-file",
                    tokenFile.toString(), "--priority", "3", "--wait");
            assertEquals(0, submitted.exit(), submitted.out() + submitted.err());
            assertTrue(submitted.out().contains("job 1 queued: sweep pair"), submitted.out());
            assertTrue(submitted.out().contains("job 1: finished"), submitted.out());

            Cli listed = Cli.run(cache, "jobs", "--server", url, "--json");
            assertEquals(0, listed.exit(), listed.err());
            JsonNode job = JSON.readTree(listed.out()).get("jobs").get(0);
            assertEquals("finished", job.get("state").asText());
            assertEquals(3, job.get("priority").asInt());
            Cli one = Cli.run(cache, "jobs", "1", "--server", url, "--json");
            JsonNode results = JSON.readTree(one.out()).get("results");
            assertEquals(2, results.size(), one.out());
            results.forEach(r -> assertEquals("finished", r.get("status").asText(), r.toString()));
            assertTrue(Files.isRegularFile(home.resolve("jobs/1/files/tiny.yaml")), "the base travelled along");
            Cli log = Cli.run(cache, "jobs", "1", "--log", "--server", url);
            assertTrue(log.out().contains("sweep pair: 2 of 2 runs finished"), log.out());

            // A mistake is refused with its place, before anything is queued.
            Path bad = Files.writeString(study.resolve("bad.yaml"), Files.readString(study.resolve("tiny.yaml"))
                    .replace("budget: {steps: 40}", "budget: {stepz: 40}"));
            Cli refused = Cli.run(cache, "submit", bad.toString(), "--server", url, "--token-file",
                    tokenFile.toString());
            assertEquals(2, refused.exit(), refused.out() + refused.err());
            assertTrue(refused.err().contains("bad.yaml:4"), refused.err());
            assertFalse(refused.err().contains("Exception"), "no stack trace for a user's mistake: " + refused.err());
            assertEquals(1, JSON.readTree(Cli.run(cache, "jobs", "--server", url, "--json").out()).get("jobs").size());

            Cli wrongToken = Cli.run(cache, "submit", sweep.toString(), "--server", url, "--token-file",
                    Files.writeString(temp.resolve("wrong"), "ptx_nobody").toString());
            assertEquals(2, wrongToken.exit());
            assertTrue(wrongToken.err().contains("PRETEXT_TOKEN"), wrongToken.err());
        }
        Cli nobody = Cli.run(cache, "jobs", "--server", "http://127.0.0.1:9");
        assertEquals(2, nobody.exit(), nobody.out() + nobody.err());
        assertTrue(nobody.err().contains("no pretext server at http://127.0.0.1:9"), nobody.err());
    }
}
