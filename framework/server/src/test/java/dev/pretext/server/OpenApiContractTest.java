package dev.pretext.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * docs/openapi.yaml against the real server: the document is well formed, every operation it describes exists
 * and answers with a status, content type and body the document allows, every route the server has is in it,
 * and errors have exactly the shape its {@code Error} schema gives.
 */
class OpenApiContractTest {
    /**
     * Every route {@link ApiServer} answers (its {@code route()} and {@code web()}), as method and path template.
     * A new route belongs here and in docs/openapi.yaml; {@link #everyRouteOfTheServerIsDocumented()} fails until
     * it is in both.
     */
    static final List<String> ROUTES = List.of(
            "GET /api/health",
            "GET /api/plugins",
            "GET /api/jobs",
            "POST /api/jobs",
            "GET /api/runs",
            "GET /api/jobs/{id}",
            "GET /api/jobs/{id}/log",
            "GET /api/jobs/{id}/files",
            "GET /api/jobs/{id}/files/{path}",
            "GET /api/jobs/{id}/events",
            "POST /api/jobs/{id}/cancel",
            "POST /api/jobs/{id}/resume",
            "POST /api/jobs/{id}/retry",
            "GET /",
            "GET /static/{file}");

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");
    private static final YAMLMapper YAML = new YAMLMapper();

    @TempDir
    Path temp;

    /** One operation of the document. */
    record Op(String method, String path, JsonNode node, JsonNode pathItem) {
        String route() {
            return method.toUpperCase() + " " + path;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The document alone

    @Test
    void theDocumentIsOpenApi31AndEveryOperationIsComplete() throws Exception {
        JsonNode doc = doc();
        assertTrue(doc.path("openapi").asText().matches("3\\.1\\.\\d+"), "openapi: 3.1.x, not "
                + doc.path("openapi"));
        assertFalse(doc.path("info").path("title").asText().isBlank(), "info.title");
        assertTrue(doc.path("info").path("version").isTextual(), "info.version is a string");
        List<String> problems = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Op op : operations(doc)) {
            String where = op.route() + ": ";
            String id = op.node().path("operationId").asText("");
            if (id.isBlank()) {
                problems.add(where + "no operationId");
            } else if (!ids.add(id)) {
                problems.add(where + "operationId " + id + " is used twice");
            }
            if (op.node().path("summary").asText("").isBlank()) {
                problems.add(where + "no summary");
            }
            JsonNode responses = op.node().path("responses");
            if (!responses.isObject() || responses.isEmpty()) {
                problems.add(where + "no responses");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = responses.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> r = it.next();
                if (!r.getKey().matches("[1-5]\\d\\d|default")) {
                    problems.add(where + "response " + r.getKey() + " is not a status code");
                }
                if (resolve(doc, r.getValue()).path("description").asText("").isBlank()) {
                    problems.add(where + "response " + r.getKey() + " has no description");
                }
            }
            // Path parameters: each {name} of the template declared, and nothing declared that it lacks.
            Set<String> inTemplate = new TreeSet<>();
            Matcher m = Pattern.compile("\\{([^}]+)}").matcher(op.path());
            while (m.find()) {
                inTemplate.add(m.group(1));
            }
            Set<String> declared = new TreeSet<>();
            for (JsonNode p : parameters(doc, op)) {
                if (p.path("in").asText().equals("path")) {
                    declared.add(p.path("name").asText());
                    if (!p.path("required").asBoolean(false)) {
                        problems.add(where + "path parameter " + p.path("name").asText() + " is not required: true");
                    }
                }
            }
            if (!inTemplate.equals(declared)) {
                problems.add(where + "path parameters " + declared + " do not match the template's " + inTemplate);
            }
            for (JsonNode requirement : security(doc, op)) {
                requirement.fieldNames().forEachRemaining(scheme -> {
                    if (doc.path("components").path("securitySchemes").path(scheme).isMissingNode()) {
                        problems.add(where + "security scheme " + scheme + " is not defined");
                    }
                });
            }
        }
        refs(doc, doc, "", problems);
        assertEquals(List.of(), problems, "docs/openapi.yaml");
    }

    @Test
    void theDocumentsJsonExamplesFitTheirSchemas() throws Exception {
        JsonNode doc = doc();
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Op op : operations(doc)) {
            List<Map.Entry<String, JsonNode>> media = new ArrayList<>();
            JsonNode body = resolve(doc, op.node().path("requestBody"));
            body.path("content").fields().forEachRemaining(e -> media.add(Map.entry("request " + e.getKey(),
                    e.getValue())));
            op.node().path("responses").fields().forEachRemaining(r -> resolve(doc, r.getValue()).path("content")
                    .fields().forEachRemaining(e -> media.add(Map.entry(r.getKey() + " " + e.getKey(),
                            e.getValue()))));
            for (Map.Entry<String, JsonNode> e : media) {
                if (!e.getKey().endsWith("application/json") || !e.getValue().has("schema")) {
                    continue;
                }
                List<JsonNode> examples = new ArrayList<>();
                if (e.getValue().has("example")) {
                    examples.add(e.getValue().get("example"));
                }
                e.getValue().path("examples").forEach(x -> examples.add(resolve(doc, x).path("value")));
                for (JsonNode example : examples) {
                    validate(doc, example, e.getValue().get("schema"), op.route() + " " + e.getKey() + " example",
                            problems);
                    checked++;
                }
            }
        }
        assertTrue(checked >= 5, "only " + checked + " examples found");
        assertEquals(List.of(), problems, "examples in docs/openapi.yaml that their own schemas refuse");
    }

    @Test
    void everyRouteOfTheServerIsDocumented() throws Exception {
        JsonNode doc = doc();
        Set<String> documented = new LinkedHashSet<>();
        operations(doc).forEach(op -> documented.add(op.route()));
        for (String route : ROUTES) {
            assertTrue(documented.contains(route), "the server answers " + route + " but docs/openapi.yaml does not "
                    + "describe it: a route without documentation fails this test; add it to the document");
        }
        for (String route : documented) {
            assertTrue(ROUTES.contains(route), "docs/openapi.yaml describes " + route + ", which is missing from "
                    + "OpenApiContractTest.ROUTES: add it there if the server has it (the other tests check that it "
                    + "does)");
        }
        // The routes' own words in ApiServer.route(), so that a route added there without updating ROUTES is seen.
        String source = Files.readString(repoRoot().resolve(
                "framework/server/src/main/java/dev/pretext/server/ApiServer.java"), StandardCharsets.UTF_8);
        int start = source.indexOf("private void route(");
        int end = source.indexOf("private void web(");
        assertTrue(start > 0 && end > start, "ApiServer.route() and web() not found: update this test's reading of "
                + "the source");
        Set<String> words = new TreeSet<>();
        Matcher line = Pattern.compile("(?m)^.*(?:p\\.equals\\(|action\\.equals\\(|p\\.get\\(0\\)\\.equals\\("
                + "|\\.contains\\(action\\)).*$").matcher(source.substring(start, end));
        while (line.find()) {
            Matcher literal = Pattern.compile("\"([^\"]+)\"").matcher(line.group());
            while (literal.find()) {
                words.add(literal.group(1));
            }
        }
        assertTrue(words.containsAll(List.of("health", "jobs", "cancel")), "the route words found in ApiServer.route() "
                + "are " + words + ": update this test's reading of the source");
        Set<String> segments = new HashSet<>();
        ROUTES.forEach(r -> segments.addAll(List.of(r.substring(r.indexOf(' ') + 1).split("/"))));
        for (String word : words) {
            assertTrue(segments.contains(word), "ApiServer.route() matches the path segment '" + word + "', which no "
                    + "route in OpenApiContractTest.ROUTES has: a new route? Document it in docs/openapi.yaml and "
                    + "add it to ROUTES");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The document against the server

    @Test
    void everyDocumentedOperationExistsAndAnswersAsDocumented() throws Exception {
        JsonNode doc = doc();
        try (TestServer s = server(InetAddress.getLoopbackAddress())) {
            String ada = s.token("ada", false);
            HttpResponse<String> submitted = s.submit(ada, "scored-20");
            assertEquals(201, submitted.statusCode(), submitted.body());
            long id = JobFolder.MAPPER.readTree(submitted.body()).get("id").asLong();
            assertEquals(JobState.FINISHED, s.awaitState(id, 30_000, JobState.FINISHED, JobState.FAILED),
                    () -> s.jobs.folder(id).orElseThrow().status() + "\n" + s.log);
            String file = aFile(s, id);

            // The router's fallback is what "does not exist" looks like; make sure it is recognized.
            assertTrue(isFallback(s.send("GET", "/api/no-such-thing", null, null, null)));
            assertTrue(isFallback(s.send("GET", "/api/jobs/" + id + "/no-such-thing", null, null, null)));

            List<Op> ops = new ArrayList<>(operations(doc));
            // Reads first: the writes queue the job again.
            ops.sort(Comparator.comparing((Op op) -> !op.method().equals("get")));
            for (Op op : ops) {
                String url = url(doc, op, id, file);
                boolean needsToken = needsTokenOnLoopback(doc, op);
                if (needsToken) {
                    HttpResponse<String> anonymous = request(s, op, url, null);
                    assertEquals(401, anonymous.statusCode(), op.route() + " without a token: " + anonymous.body());
                    assertAnswersAsDocumented(doc, op, anonymous);
                }
                HttpResponse<String> r = request(s, op, url, needsToken ? ada : null);
                assertFalse(isFallback(r), op.route() + " is documented but the server has no such endpoint: "
                        + r.statusCode() + " " + r.body());
                assertNotEquals(405, r.statusCode(), op.route() + " is documented but the server refuses the method: "
                        + r.body());
                assertTrue(r.statusCode() < 500, op.route() + " failed on the server: " + r.body());
                assertAnswersAsDocumented(doc, op, r);
                if (op.route().equals("POST /api/jobs")) {
                    assertEquals(201, r.statusCode(), r.body());
                }
                if (op.method().equals("get")) {
                    assertEquals(200, r.statusCode(), op.route() + " (" + url + "): " + r.body());
                }
            }
        }
    }

    @Test
    void readsNeedATokenBeyondLoopbackWhereTheDocumentSaysSo() throws Exception {
        JsonNode doc = doc();
        try (TestServer s = server(InetAddress.getByName("0.0.0.0"))) {
            String ada = s.token("ada", false);
            HttpResponse<String> submitted = s.submit(ada, "ok");
            assertEquals(201, submitted.statusCode(), submitted.body());
            long id = JobFolder.MAPPER.readTree(submitted.body()).get("id").asLong();
            s.awaitState(id, 30_000, JobState.FINISHED, JobState.FAILED);
            for (Op op : operations(doc)) {
                HttpResponse<String> r = request(s, op, url(doc, op, id, "job.json"), null);
                if (security(doc, op).isEmpty()) {
                    assertNotEquals(401, r.statusCode(), op.route() + " is documented as open to everyone: "
                            + r.body());
                } else {
                    assertEquals(401, r.statusCode(), op.route() + " beyond loopback without a token: " + r.body());
                    assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElse(""), op.route());
                }
                assertAnswersAsDocumented(doc, op, r);
            }
        }
    }

    @Test
    void errorsHaveExactlyTheFieldsOfTheErrorSchema() throws Exception {
        JsonNode doc = doc();
        JsonNode error = doc.at("/components/schemas/Error");
        JsonNode body = resolve(doc, error.path("properties").path("error"));
        Set<String> envelope = names(error.path("required"));
        Set<String> required = names(body.path("required"));
        Set<String> declared = fieldNames(body.path("properties"));
        assertEquals(Set.of("error"), envelope, "the Error schema's envelope");
        assertEquals(Set.of("status", "code", "message"), required, "the Error schema's required fields");
        JsonNode problem = doc.at("/components/schemas/Problem");
        try (TestServer s = server(InetAddress.getLoopbackAddress())) {
            String ada = s.token("ada", false);

            // 401: exactly the required fields.
            for (HttpResponse<String> r : List.of(s.submit(null, "ok"), s.submit("ptx_not-a-token", "ok"),
                    s.send("GET", "/api/jobs", "ptx_not-a-token", null, null))) {
                assertEquals(401, r.statusCode(), r.body());
                JsonNode e = JobFolder.MAPPER.readTree(r.body());
                assertEquals(envelope, fieldNames(e), r.body());
                assertEquals(required, fieldNames(e.get("error")), "a 401 has exactly the required fields: " + r.body());
                assertEquals(401, e.get("error").get("status").asInt());
                assertEquals("unauthorized", e.get("error").get("code").asText());
                assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElse(""));
                assertFits(doc, error, e, "401");
            }

            // 400 invalid: the required fields and problems, each problem as the Problem schema says; the
            // document's example is this very answer.
            HttpResponse<String> r = s.send("POST", "/api/jobs", ada, "application/yaml",
                    TestServer.RECIPE.formatted("x").replace("budget: {steps: 2}", "budget: {stepz: 2}"));
            assertEquals(400, r.statusCode(), r.body());
            JsonNode e = JobFolder.MAPPER.readTree(r.body());
            assertEquals(envelope, fieldNames(e), r.body());
            Set<String> withProblems = new TreeSet<>(required);
            withProblems.add("problems");
            assertEquals(withProblems, fieldNames(e.get("error")), r.body());
            assertTrue(declared.containsAll(fieldNames(e.get("error"))), r.body());
            JsonNode p = e.get("error").get("problems").get(0);
            assertTrue(fieldNames(p).containsAll(names(problem.path("required"))), p.toString());
            assertTrue(fieldNames(problem.path("properties")).containsAll(fieldNames(p)), p.toString());
            assertEquals("recipe.yaml", p.get("file").asText());
            assertEquals(3, p.get("line").asInt());
            assertFits(doc, error, e, "400 invalid");
            JsonNode example = doc.at("/paths/~1api~1jobs/post/responses/400/content/application~1json/examples"
                    + "/invalid/value");
            assertEquals(example, e, "the documented example of a 400 at recipe.yaml line 3 is what the server says");

            // 400 path_not_allowed: the same problem shape, at the path's own line.
            HttpResponse<String> outside = s.send("POST", "/api/jobs", ada, "application/yaml",
                    TestServer.RECIPE.formatted("x").replace("{type: tts, minutes: 0.5}", "{type: wavdir, root: /etc}"));
            assertEquals(400, outside.statusCode(), outside.body());
            JsonNode o = JobFolder.MAPPER.readTree(outside.body());
            assertEquals("path_not_allowed", o.get("error").get("code").asText());
            assertFits(doc, error, o, "400 path_not_allowed");
            assertEquals(5, o.get("error").get("problems").get(0).get("line").asInt(), "the line of data.train.root");

            // Everything else: the required fields exactly.
            List<HttpResponse<String>> others = List.of(
                    s.send("GET", "/api/jobs?limit=0", null, null, null),
                    s.send("GET", "/api/jobs/12345", null, null, null),
                    s.send("GET", "/api/nothing", null, null, null),
                    s.send("DELETE", "/api/jobs", ada, null, null),
                    s.send("POST", "/api/jobs", ada, "application/xml", "<a/>"),
                    s.send("POST", "/api/jobs", ada, "application/json", "{\"files\": {\"../evil.yaml\": \"x\"}}"),
                    s.send("GET", "/nothing.html", null, null, null));
            for (HttpResponse<String> x : others) {
                assertTrue(x.statusCode() >= 400, x.body());
                JsonNode xe = JobFolder.MAPPER.readTree(x.body());
                assertEquals(envelope, fieldNames(xe), x.body());
                assertEquals(required, fieldNames(xe.get("error")), x.body());
                assertEquals(x.statusCode(), xe.get("error").get("status").asInt(), x.body());
                assertFits(doc, error, xe, x.request().method() + " " + x.request().uri());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Requests

    private TestServer server(InetAddress bind) throws IOException {
        Path bundles = Files.createDirectories(temp.resolve("live-plugins"));
        Files.writeString(bundles.resolve("dev.pretext.gain-1.0.0.jar"), "gain 1.0.0");
        return new TestServer(temp.resolve("home-" + bind.getHostAddress().replace(':', '_')), bundles,
                new Scheduler.Limits(1, 1), bind);
    }

    /** A file of the job from its listing, in a subfolder if there is one (the path parameter spans segments). */
    private static String aFile(TestServer s, long id) throws Exception {
        JsonNode files = JobFolder.MAPPER.readTree(s.send("GET", "/api/jobs/" + id + "/files", null, null, null)
                .body()).get("files");
        String any = null;
        for (JsonNode f : files) {
            String path = f.get("path").asText();
            if (path.contains("/") && path.endsWith(".json")) {
                return path;
            }
            any = any == null ? path : any;
        }
        assertTrue(any != null, "the job has no files: " + files);
        return any;
    }

    /** The operation's path with its parameters filled in: the job, a file of it, or the parameter's example. */
    private static String url(JsonNode doc, Op op, long id, String file) {
        String url = op.path();
        for (JsonNode p : parameters(doc, op)) {
            if (!p.path("in").asText().equals("path")) {
                continue;
            }
            String name = p.path("name").asText();
            String value = switch (name) {
                case "id" -> Long.toString(id);
                case "path" -> file;
                default -> p.path("schema").has("enum") ? p.path("schema").path("enum").get(0).asText()
                        : p.path("example").asText();
            };
            assertFalse(value.isEmpty(), op.route() + ": no value for the path parameter " + name);
            url = url.replace("{" + name + "}", value);
        }
        return url;
    }

    private static HttpResponse<String> request(TestServer s, Op op, String url, String token) throws Exception {
        if (op.route().equals("POST /api/jobs")) {
            return s.send("POST", url, token, "application/yaml", TestServer.RECIPE.formatted("ok"));
        }
        return s.send(op.method().toUpperCase(), url, token, null, null);
    }

    private static boolean isFallback(HttpResponse<String> r) throws IOException {
        if (r.statusCode() != 404 || !r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
            return false;
        }
        JsonNode e = JobFolder.MAPPER.readTree(r.body()).path("error");
        return e.path("code").asText().equals("not_found") && e.path("message").asText().startsWith("no such endpoint");
    }

    /** The answer's status is one the operation documents, its content type one documented for it, its body fits. */
    private static void assertAnswersAsDocumented(JsonNode doc, Op op, HttpResponse<String> r) throws Exception {
        String where = op.route() + " (" + r.request().uri().getRawPath() + ") answered " + r.statusCode();
        JsonNode documented = op.node().path("responses").path(Integer.toString(r.statusCode()));
        assertFalse(documented.isMissingNode(), where + ", which docs/openapi.yaml does not list for it: "
                + r.body());
        JsonNode response = resolve(doc, documented);
        String type = r.headers().firstValue("Content-Type").orElse("").split(";")[0].strip();
        JsonNode content = response.path("content");
        if (content.isMissingNode()) {
            return;
        }
        assertTrue(content.has(type), where + " as " + type + ", not as documented " + fieldNames(content));
        JsonNode schema = content.path(type).path("schema");
        if (type.equals("application/json")) {
            JsonNode body = JobFolder.MAPPER.readTree(r.body());
            assertFits(doc, schema, body, where);
            if (r.statusCode() >= 400) {
                assertFits(doc, doc.at("/components/schemas/Error"), body, where);
            }
        } else if (type.equals("text/event-stream")) {
            assertEventsAsDocumented(doc, r.body(), where);
        }
        for (Iterator<String> it = response.path("headers").fieldNames(); it.hasNext(); ) {
            String header = it.next();
            assertTrue(r.headers().firstValue(header).isPresent(), where + " without the documented header " + header);
        }
    }

    /** Each event named as documented, its data JSON, a status event a StatusEvent; the stream ends with end. */
    private static void assertEventsAsDocumented(JsonNode doc, String stream, String where) throws Exception {
        Set<String> names = new HashSet<>();
        doc.at("/components/schemas/ServerSentEvent/properties/event/enum").forEach(n -> names.add(n.asText()));
        assertFalse(names.isEmpty(), "ServerSentEvent.event has no enum of event names");
        String last = null;
        int metrics = 0;
        for (String block : stream.split("\n\n")) {
            String event = null;
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6)).append('\n');
                } else if (line.startsWith("id: ")) {
                    assertTrue(line.substring(4).matches("\\d+"), where + ": event id " + line);
                }
            }
            if (event == null) {
                continue;
            }
            assertTrue(names.contains(event), where + ": event '" + event + "' is not documented among " + names);
            JsonNode json = JobFolder.MAPPER.readTree(data.toString());
            if (event.equals("status")) {
                assertFits(doc, doc.at("/components/schemas/StatusEvent"), json, where + " status event");
            }
            metrics += event.equals("metric") ? 1 : 0;
            last = event;
        }
        assertEquals("end", last, where + ": the stream of an ended job ends with an end event: " + stream);
        assertEquals(3, metrics, where + ": the fake run logs three steps: " + stream);
    }

    // ---------------------------------------------------------------------------------------------------------
    // The document

    static Path repoRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/openapi.yaml"))) {
                return dir;
            }
        }
        throw new AssertionError("no docs/openapi.yaml above " + Path.of("").toAbsolutePath());
    }

    static JsonNode doc() throws IOException {
        return YAML.readTree(Files.readString(repoRoot().resolve("docs/openapi.yaml"), StandardCharsets.UTF_8));
    }

    static List<Op> operations(JsonNode doc) {
        List<Op> ops = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> it = path.getValue().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> m = it.next();
                if (METHODS.contains(m.getKey())) {
                    ops.add(new Op(m.getKey(), path.getKey(), m.getValue(), path.getValue()));
                }
            }
        }
        assertFalse(ops.isEmpty(), "docs/openapi.yaml has no operations");
        return ops;
    }

    /** The operation's parameters and its path's, resolved. */
    private static List<JsonNode> parameters(JsonNode doc, Op op) {
        List<JsonNode> ps = new ArrayList<>();
        op.pathItem().path("parameters").forEach(p -> ps.add(resolve(doc, p)));
        op.node().path("parameters").forEach(p -> ps.add(resolve(doc, p)));
        return ps;
    }

    /** The security requirements in force for the operation: its own, or the document's. */
    private static List<JsonNode> security(JsonNode doc, Op op) {
        JsonNode sec = op.node().has("security") ? op.node().get("security") : doc.path("security");
        List<JsonNode> out = new ArrayList<>();
        sec.forEach(out::add);
        return out;
    }

    /** On loopback reads are open: a token is needed only where no requirement is empty ({@code {}}). */
    private static boolean needsTokenOnLoopback(JsonNode doc, Op op) {
        List<JsonNode> sec = security(doc, op);
        return !sec.isEmpty() && sec.stream().noneMatch(JsonNode::isEmpty);
    }

    private static JsonNode resolve(JsonNode doc, JsonNode node) {
        for (int i = 0; node.has("$ref") && i < 20; i++) {
            node = doc.at(pointer(node.get("$ref").asText()));
        }
        return node;
    }

    private static String pointer(String ref) {
        if (!ref.startsWith("#/")) {
            throw new AssertionError("only local $refs are checked: " + ref);
        }
        return ref.substring(1);
    }

    /** Every $ref anywhere in the document points at something. */
    private static void refs(JsonNode doc, JsonNode node, String at, List<String> problems) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("$ref")) {
                    String ref = e.getValue().asText();
                    if (!ref.startsWith("#/") || doc.at(ref.substring(1)).isMissingNode()) {
                        problems.add(at + ": $ref " + ref + " does not resolve");
                    }
                } else {
                    refs(doc, e.getValue(), at + "/" + e.getKey(), problems);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                refs(doc, node.get(i), at + "/" + i, problems);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // A small JSON Schema check: the keywords docs/openapi.yaml uses for its response bodies

    private static void assertFits(JsonNode doc, JsonNode schema, JsonNode value, String where) {
        List<String> problems = new ArrayList<>();
        validate(doc, value, schema, "$", problems);
        assertEquals(List.of(), problems, where + ": the body does not fit docs/openapi.yaml: " + value);
    }

    static void validate(JsonNode doc, JsonNode value, JsonNode schema, String at, List<String> problems) {
        for (String unsupported : List.of("oneOf", "anyOf", "not", "if", "$dynamicRef")) {
            if (schema.has(unsupported)) {
                problems.add(at + ": the contract test does not check '" + unsupported + "'; use allOf, $ref and "
                        + "types with null instead");
            }
        }
        if (schema.has("$ref")) {
            validate(doc, value, resolve(doc, schema), at, problems);
        }
        schema.path("allOf").forEach(s -> validate(doc, value, s, at, problems));
        if (schema.has("type")) {
            Set<String> types = new HashSet<>();
            if (schema.get("type").isArray()) {
                schema.get("type").forEach(t -> types.add(t.asText()));
            } else {
                types.add(schema.get("type").asText());
            }
            if (types.stream().noneMatch(t -> isType(value, t))) {
                problems.add(at + ": " + kind(value) + " where " + types + " is documented");
                return;
            }
        }
        if (schema.has("const") && !sameValue(schema.get("const"), value)) {
            problems.add(at + ": " + value + " is not the documented " + schema.get("const"));
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode e : schema.get("enum")) {
                found |= sameValue(e, value);
            }
            if (!found) {
                problems.add(at + ": " + value + " is not one of the documented " + schema.get("enum"));
            }
        }
        if (value.isNumber()) {
            if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
                problems.add(at + ": " + value + " is below the documented minimum " + schema.get("minimum"));
            }
            if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
                problems.add(at + ": " + value + " is above the documented maximum " + schema.get("maximum"));
            }
        }
        if (value.isTextual() && schema.has("pattern")
                && !Pattern.compile(schema.get("pattern").asText()).matcher(value.asText()).find()) {
            problems.add(at + ": '" + value.asText() + "' does not match the documented " + schema.get("pattern"));
        }
        if (value.isArray()) {
            if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
                problems.add(at + ": more items than the documented " + schema.get("maxItems"));
            }
            if (schema.has("items")) {
                for (int i = 0; i < value.size(); i++) {
                    validate(doc, value.get(i), schema.get("items"), at + "[" + i + "]", problems);
                }
            }
        }
        if (value.isObject()) {
            for (JsonNode r : schema.path("required")) {
                if (!value.has(r.asText())) {
                    problems.add(at + ": no " + r.asText() + ", which is documented as required");
                }
            }
            JsonNode properties = schema.path("properties");
            JsonNode additional = schema.path("additionalProperties");
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                if (properties.has(key)) {
                    validate(doc, e.getValue(), properties.get(key), at + "." + key, problems);
                } else if (additional.isBoolean() && !additional.asBoolean()) {
                    problems.add(at + ": " + key + " is not documented (additionalProperties: false)");
                } else if (additional.isObject()) {
                    validate(doc, e.getValue(), additional, at + "." + key, problems);
                }
            }
            if (schema.path("unevaluatedProperties").isBoolean() && !schema.get("unevaluatedProperties").asBoolean()) {
                Set<String> known = evaluated(doc, schema);
                value.fieldNames().forEachRemaining(key -> {
                    if (!known.contains(key)) {
                        problems.add(at + ": " + key + " is not documented (unevaluatedProperties: false)");
                    }
                });
            }
        }
    }

    /** The properties a schema declares itself, through $ref and through allOf. */
    private static Set<String> evaluated(JsonNode doc, JsonNode schema) {
        Set<String> keys = new HashSet<>(fieldNames(schema.path("properties")));
        if (schema.has("$ref")) {
            keys.addAll(evaluated(doc, resolve(doc, schema)));
        }
        schema.path("allOf").forEach(s -> keys.addAll(evaluated(doc, s)));
        return keys;
    }

    private static boolean isType(JsonNode v, String type) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()));
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            case "null" -> v.isNull();
            default -> throw new AssertionError("unknown type " + type);
        };
    }

    private static boolean sameValue(JsonNode a, JsonNode b) {
        return a.isNumber() && b.isNumber() ? a.decimalValue().compareTo(b.decimalValue()) == 0 : a.equals(b);
    }

    private static String kind(JsonNode v) {
        return v.isNull() ? "null" : v.getNodeType().name().toLowerCase();
    }

    private static Set<String> names(JsonNode array) {
        Set<String> out = new TreeSet<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Set<String> fieldNames(JsonNode object) {
        Set<String> out = new TreeSet<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
