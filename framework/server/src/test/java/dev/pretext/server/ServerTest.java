package dev.pretext.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server's API, queue and job folders, with real HTTP, a real H2 file and real child processes. */
class ServerTest {
    @TempDir
    Path temp;

    private Path bundles() throws Exception {
        Path dir = temp.resolve("live-plugins");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("dev.pretext.gain-1.0.0.jar"), "gain 1.0.0");
        return dir;
    }

    private TestServer server(int maxRunning, int maxPerUser) throws Exception {
        return new TestServer(temp.resolve("home"), bundles(), new Scheduler.Limits(maxRunning, maxPerUser),
                InetAddress.getLoopbackAddress());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JobFolder.MAPPER.readTree(r.body());
    }

    @Test
    void aSubmittedRecipeRunsToTheEndInItsOwnProcessOnPinnedBundles() throws Exception {
        try (TestServer s = server(1, 1)) {
            String ada = s.token("ada", false);
            HttpResponse<String> r = s.submit(ada, "ok");
            assertEquals(201, r.statusCode(), r.body());
            long id = json(r).get("id").asLong();
            assertEquals(JobState.FINISHED, s.awaitState(id, 30_000, JobState.FINISHED, JobState.FAILED));
            JobFolder f = s.jobs.folder(id).orElseThrow();
            assertEquals("ada", f.spec().user());
            assertEquals(1, f.status().attempt());
            // Pinned by content, linked into the job's own plugins folder.
            JobSpec.PinnedBundle b = f.spec().bundles().get(0);
            assertEquals("gain 1.0.0", Files.readString(f.plugins().resolve(b.file())));
            assertEquals(Jobs.sha256(s.home.resolve("bundles").resolve(b.sha256() + ".jar")), b.sha256());
            try (Stream<Path> started = Files.list(f.dir())) {
                assertEquals(1, started.filter(p -> p.getFileName().toString().startsWith("started-")).count());
            }
            JsonNode listed = json(s.send("GET", "/api/jobs?state=finished", null, null, null));
            assertEquals(id, listed.get("jobs").get(0).get("id").asLong());
        }
    }

    @Test
    void aJobKeepsTheBundlesOfItsSubmissionWhenANewVersionArrives() throws Exception {
        try (TestServer s = server(1, 1)) {
            String ada = s.token("ada", false);
            long first = json(s.submit(ada, "sleep-1500")).get("id").asLong();
            long queued = json(s.submit(ada, "ok")).get("id").asLong();
            Files.writeString(temp.resolve("live-plugins/dev.pretext.gain-1.1.0.jar"), "gain 1.1.0");
            long later = json(s.submit(ada, "ok")).get("id").asLong();
            s.awaitState(later, 30_000, JobState.FINISHED);
            assertEquals(List.of("1.0.0"), versions(s, first));
            assertEquals(List.of("1.0.0"), versions(s, queued), "the queued job runs on what was live at submission");
            assertEquals(List.of("1.0.0", "1.1.0"), versions(s, later));
            try (Stream<Path> files = Files.list(s.jobs.folder(queued).orElseThrow().plugins())) {
                assertEquals(1, files.count());
            }
        }
    }

    private static List<String> versions(TestServer s, long id) {
        return s.jobs.folder(id).orElseThrow().spec().bundles().stream().map(JobSpec.PinnedBundle::version).sorted()
                .toList();
    }

    @Test
    void theQueueStartsByPriorityThenOrderWithinTheLimits() throws Exception {
        try (TestServer s = server(1, 1)) {
            String ada = s.token("ada", false);
            long blocker = json(s.submit(ada, "sleep-1500")).get("id").asLong();
            s.awaitState(blocker, 10_000, JobState.RUNNING);
            long low = json(s.submit(ada, "ok")).get("id").asLong();
            long high = json(s.send("POST", "/api/jobs?priority=5", ada, "application/yaml",
                    TestServer.RECIPE.formatted("ok"))).get("id").asLong();
            assertEquals(JobState.QUEUED, s.jobs.folder(low).orElseThrow().status().state(), "one job at a time");
            s.awaitState(low, 30_000, JobState.FINISHED);
            JobStatus h = s.jobs.folder(high).orElseThrow().status();
            JobStatus l = s.jobs.folder(low).orElseThrow().status();
            assertTrue(!h.started().isAfter(l.started()), "the higher priority started first: " + h + " / " + l);
        }
    }

    @Test
    void oneUsersJobsDoNotHoldUpAnothersBeyondTheirLimit() throws Exception {
        try (TestServer s = server(2, 1)) {
            String ada = s.token("ada", false);
            String bob = s.token("bob", false);
            long a1 = json(s.submit(ada, "sleep-3000")).get("id").asLong();
            long a2 = json(s.submit(ada, "ok")).get("id").asLong();
            long b1 = json(s.submit(bob, "ok")).get("id").asLong();
            assertEquals(JobState.FINISHED, s.awaitState(b1, 20_000, JobState.FINISHED));
            assertEquals(JobState.RUNNING, s.jobs.folder(a1).orElseThrow().status().state());
            assertEquals(JobState.QUEUED, s.jobs.folder(a2).orElseThrow().status().state(), "ada's limit is one");
        }
    }

    @Test
    void aFailingJobSaysWhyAndTheServerGoesOn() throws Exception {
        try (TestServer s = server(1, 1)) {
            String ada = s.token("ada", false);
            long bad = json(s.submit(ada, "fail")).get("id").asLong();
            long good = json(s.submit(ada, "ok")).get("id").asLong();
            assertEquals(JobState.FINISHED, s.awaitState(good, 30_000, JobState.FINISHED));
            JobStatus st = s.jobs.folder(bad).orElseThrow().status();
            assertEquals(JobState.FAILED, st.state());
            assertEquals("data folder /nowhere does not exist; give an existing folder (exit code 2)", st.reason());
            String log = s.send("GET", "/api/jobs/" + bad + "/log", null, null, null).body();
            assertTrue(log.contains("fake job fail"), log);
        }
    }

    @Test
    void tokensRuleWritesAndOnlyOwnersOrAdminsCancel() throws Exception {
        try (TestServer s = server(1, 1)) {
            String ada = s.token("ada", false);
            String bob = s.token("bob", false);
            String root = s.token("root", true);
            HttpResponse<String> anonymous = s.submit(null, "ok");
            assertEquals(401, anonymous.statusCode());
            assertEquals("unauthorized", json(anonymous).get("error").get("code").asText());
            assertEquals(401, s.submit("ptx_not-a-token", "ok").statusCode());
            long blocker = json(s.submit(ada, "sleep-60000")).get("id").asLong();
            long queued = json(s.submit(ada, "ok")).get("id").asLong();
            HttpResponse<String> bobs = s.send("POST", "/api/jobs/" + queued + "/cancel", bob, null, null);
            assertEquals(403, bobs.statusCode(), bobs.body());
            assertEquals(202, s.send("POST", "/api/jobs/" + queued + "/cancel", ada, null, null).statusCode());
            assertEquals(JobState.CANCELLED, s.jobs.folder(queued).orElseThrow().status().state());
            s.awaitState(blocker, 10_000, JobState.RUNNING);
            long pid = s.jobs.folder(blocker).orElseThrow().status().pid();
            assertEquals(202, s.send("POST", "/api/jobs/" + blocker + "/cancel", root, null, null).statusCode());
            assertEquals(JobState.CANCELLED, s.awaitState(blocker, 10_000, JobState.CANCELLED));
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the child is gone");
            assertEquals("cancelled by root", s.jobs.folder(blocker).orElseThrow().status().reason());
            // Resumed, it runs again (a cancelled job is not lost).
            assertEquals(202, s.send("POST", "/api/jobs/" + queued + "/resume", ada, null, null).statusCode());
            assertEquals(JobState.FINISHED, s.awaitState(queued, 30_000, JobState.FINISHED));
            // No token ever reaches the server's log.
            assertTrue(s.log.stream().noneMatch(l -> l.contains(ada) || l.contains(root)), String.valueOf(s.log));
        }
    }

    @Test
    void badSubmissionsGetAReasonInOneShapeAndWriteNothing() throws Exception {
        try (TestServer s = server(1, 1)) {
            String ada = s.token("ada", false);
            HttpResponse<String> r = s.send("POST", "/api/jobs", ada, "application/yaml",
                    TestServer.RECIPE.formatted("x").replace("budget: {steps: 2}", "budget: {stepz: 2}"));
            assertEquals(400, r.statusCode(), r.body());
            JsonNode err = json(r).get("error");
            assertEquals("invalid", err.get("code").asText());
            JsonNode problem = err.get("problems").get(0);
            assertEquals("recipe.yaml", problem.get("file").asText());
            assertEquals(3, problem.get("line").asInt());
            assertFalse(err.get("message").asText().contains(s.home.toString()), "no server paths in messages");

            assertEquals(413, s.send("POST", "/api/jobs", ada, "application/yaml", "a: " + "x".repeat(3 << 20))
                    .statusCode());
            assertEquals(415, s.send("POST", "/api/jobs", ada, "application/xml", "<a/>").statusCode());
            String deep = "a: " + "[".repeat(5000) + "]".repeat(5000);
            assertEquals(400, s.send("POST", "/api/jobs", ada, "application/yaml", deep).statusCode());
            assertEquals(400, s.send("POST", "/api/jobs", ada, "application/yaml",
                    "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x\"]]]]")
                    .statusCode());
            HttpResponse<String> outside = s.send("POST", "/api/jobs", ada, "application/yaml",
                    TestServer.RECIPE.formatted("x").replace("{type: tts, minutes: 0.5}",
                            "{type: wavdir, root: /etc}"));
            assertEquals(400, outside.statusCode());
            assertEquals("path_not_allowed", json(outside).get("error").get("code").asText());
            assertEquals(400, s.send("POST", "/api/jobs", ada, "application/json",
                    "{\"files\": {\"../evil.yaml\": \"name: x\"}}").statusCode());
            assertEquals(404, s.send("GET", "/api/nothing", null, null, null).statusCode());
            assertEquals(405, s.send("DELETE", "/api/jobs", ada, null, null).statusCode());
            try (Stream<Path> jobs = Files.list(s.jobs.jobsDir())) {
                assertEquals(0, jobs.count(), "nothing written");
            }
            assertEquals(200, s.send("GET", "/api/health", null, null, null).statusCode(), "the server is unharmed");
        }
    }

    @Test
    void readsNeedATokenBeyondLoopback() throws Exception {
        InetAddress any = InetAddress.getByName("0.0.0.0");
        try (TestServer s = new TestServer(temp.resolve("home"), bundles(), new Scheduler.Limits(1, 1), any)) {
            String ada = s.token("ada", false);
            assertEquals(401, s.send("GET", "/api/jobs", null, null, null).statusCode());
            assertEquals(200, s.send("GET", "/api/jobs", ada, null, null).statusCode());
            long id = json(s.submit(ada, "ok")).get("id").asLong();
            // Without a token a job that exists and one that does not look the same: ids cannot be probed.
            for (String path : List.of("/api/jobs/" + id, "/api/jobs/999", "/api/jobs/999/log")) {
                assertEquals(401, s.send("GET", path, null, null, null).statusCode(), path);
            }
            assertEquals(401, s.send("POST", "/api/jobs/999/cancel", null, null, null).statusCode());
            assertEquals(404, s.send("GET", "/api/jobs/999", ada, null, null).statusCode());
            assertEquals(400, s.send("POST", "/api/jobs", ada, "application/json",
                    "{\"files\": {\"r.yaml\": \"name: x\"}, \"priority\": 2.5}").statusCode(),
                    "a fractional priority is refused, not rounded");
        }
    }

    @Test
    void aRestartedServerRebuildsItsIndexFromTheFoldersAndResumesWhatRan() throws Exception {
        long finished;
        long running;
        long pid;
        Path home = temp.resolve("home");
        try (TestServer s = server(1, 1)) {
            String ada = s.token("ada", false);
            finished = json(s.submit(ada, "ok")).get("id").asLong();
            s.awaitState(finished, 30_000, JobState.FINISHED);
            running = json(s.submit(ada, "sleep-60000")).get("id").asLong();
            s.awaitState(running, 10_000, JobState.RUNNING);
            pid = s.jobs.folder(running).orElseThrow().status().pid();
        }
        // Closed like a killed server: the job is still marked running, its process gone.
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertEquals(JobState.RUNNING, new JobFolder(home.resolve("jobs/" + running)).status().state());
        // The database is lost too: the folders are the truth.
        try (Stream<Path> db = Files.walk(home.resolve("db"))) {
            for (Path p : db.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        Files.createDirectories(home.resolve("jobs/.submitting-123/files"));
        try (TestServer s = server(1, 1)) {
            assertEquals(2, s.index.jobs(null, null, 10, 0).rows().size());
            assertEquals(JobState.FINISHED, s.index.jobs(JobState.FINISHED, null, 10, 0).rows().get(0).state());
            assertEquals(JobState.RUNNING, s.awaitState(running, 10_000, JobState.RUNNING));
            JobStatus st = s.jobs.folder(running).orElseThrow().status();
            assertEquals(2, st.attempt(), "started again");
            assertNotEquals(pid, st.pid());
            assertFalse(Files.exists(home.resolve("jobs/.submitting-123")), "a half-written submission is gone");
            String token = s.token("ada", false);
            assertEquals(finished + 2, json(s.submit(token, "ok")).get("id").asLong(), "ids continue");
        }
    }

    @Test
    void runsOfEveryJobAreIndexedComparedAndServedWithTheirFilesAndEvents() throws Exception {
        Path home = temp.resolve("home");
        long low;
        try (TestServer s = server(1, 1)) {
            String ada = s.token("ada", false);
            low = json(s.submit(ada, "scored-12")).get("id").asLong();
            long high = json(s.submit(ada, "scored-30")).get("id").asLong();
            long none = json(s.submit(ada, "ok")).get("id").asLong();
            for (long id : new long[]{low, high, none}) {
                assertEquals(JobState.FINISHED, s.awaitState(id, 30_000, JobState.FINISHED, JobState.FAILED));
            }
            JsonNode runs = json(s.send("GET", "/api/runs", null, null, null));
            assertEquals(2, runs.get("total").asInt(), "a job without a trained run has no row: " + runs);
            assertEquals(30.0, runs.get("runs").get(0).get("score").asDouble(), "best score first: " + runs);
            assertEquals(high, runs.get("runs").get(0).get("job").asLong());
            assertEquals("mam", runs.get("runs").get(0).get("objective").asText());
            assertEquals(3580224, runs.get("runs").get(1).get("parameters").asLong());
            assertEquals(0, json(s.send("GET", "/api/runs?objective=hubert", null, null, null)).get("total").asInt());
            assertEquals(400, s.send("GET", "/api/runs?sort=luck", null, null, null).statusCode());

            // The job's files: listed without checkpoints or jars, read inside the folder only.
            JsonNode files = json(s.send("GET", "/api/jobs/" + low + "/files", null, null, null));
            List<String> paths = new java.util.ArrayList<>();
            files.get("files").forEach(f -> paths.add(f.get("path").asText()));
            assertTrue(paths.contains("runs/scored-12/probes.json"), paths.toString());
            assertFalse(paths.stream().anyMatch(p -> p.contains("checkpoints/") || p.endsWith(".jar")), paths.toString());
            HttpResponse<String> probes = s.send("GET", "/api/jobs/" + low + "/files/runs/scored-12/probes.json",
                    null, null, null);
            assertEquals(200, probes.statusCode());
            assertTrue(probes.body().contains("\"pretrained\":12"), probes.body());
            assertEquals("sandbox", probes.headers().firstValue("Content-Security-Policy").orElse("")
                    .replaceAll(".*; ", ""), "a run's files are never run as a page");
            assertEquals(400, s.send("GET", "/api/jobs/" + low + "/files/runs/../../" + none + "/job.json", null,
                    null, null).statusCode());
            assertEquals(404, s.send("GET", "/api/jobs/" + low + "/files/runs/scored-12/checkpoints/"
                    + "step-00000003/model.ndlist", null, null, null).statusCode());
            assertEquals(400, s.send("GET", "/api/jobs/" + low + "/files/runs%2F..%2F..%2Fjob.json", null, null,
                    null).statusCode(), "an escaped separator is decoded before the checks, not after");

            // The live view of an ended job: its state, every logged step with its line number, the end.
            HttpResponse<String> events = s.send("GET", "/api/jobs/" + low + "/events", null, null, null);
            assertEquals("text/event-stream; charset=utf-8", events.headers().firstValue("Content-Type").orElse(""));
            String body = events.body();
            assertTrue(body.startsWith("event: status\ndata: {\"state\":\"finished\""), body);
            for (int step = 1; step <= 3; step++) {
                assertTrue(body.contains("id: " + step + "\nevent: metric\ndata: {\"step\":" + step + ","), body);
            }
            assertTrue(body.endsWith("event: end\ndata: {}\n\n"), body);
            HttpResponse<String> after = s.send("GET", "/api/jobs/" + low + "/events?after=2", null, null, null);
            assertFalse(after.body().contains("id: 2\n"), "a reconnecting view gets only what it has not seen");
            assertTrue(after.body().contains("id: 3\n"), after.body());
        }
        // The run index is rebuilt from the folders with the rest.
        try (Stream<Path> db = Files.walk(home.resolve("db"))) {
            for (Path p : db.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        try (TestServer s = server(1, 1)) {
            JsonNode runs = json(s.send("GET", "/api/runs?sort=newest", null, null, null));
            assertEquals(2, runs.get("total").asInt(), runs.toString());
            assertEquals(low, runs.get("runs").get(1).get("job").asLong());
        }
    }
}
