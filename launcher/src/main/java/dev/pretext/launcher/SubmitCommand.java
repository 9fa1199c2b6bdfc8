package dev.pretext.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pretext.core.Json;
import dev.pretext.core.UserError;
import dev.pretext.core.recipe.LocatedYaml;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Submit a recipe or a sweep (with its base recipe) to a pretext server. It is checked against "
                + "the server's live plugins now and queued; the token comes from PRETEXT_TOKEN or --token-file.")
final class SubmitCommand implements Callable<Integer> {
    private static final Pattern BASE = Pattern.compile("(?m)^base:[ \\t]*(['\"]?)([^'\"#\\r\\n]+?)\\1[ \\t]*(#.*)?$");

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "FILE", description = "A recipe or sweep YAML file.")
    Path file;

    @Option(names = "--server", paramLabel = "URL",
            description = "The server (default: $PRETEXT_SERVER or " + ServerClient.DEFAULT_URL + ").")
    String server;

    @Option(names = "--token-file", paramLabel = "FILE", description = "Read the token from this file.")
    Path tokenFile;

    @Option(names = "--priority", defaultValue = "0", description = "Higher starts first (-100 to 100; default 0).")
    int priority;

    @Option(names = "--wait", description = "Wait until the job ends; exit 0 only if it finished.")
    boolean wait;

    @Override
    public Integer call() throws Exception {
        String text = read(file);
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode files = body.putObject("files");
        String name = file.getFileName().toString();
        if (!name.endsWith(".yaml") && !name.endsWith(".yml")) {
            name = name + ".yaml";
        }
        JsonNode root = LocatedYaml.read(file, text).root();
        if (root.isObject() && root.has("base") && root.get("base").isTextual()) {
            // A sweep travels with its base recipe, which the server keeps beside it.
            Path base = file.toAbsolutePath().getParent().resolve(root.get("base").asText()).normalize();
            String baseName = base.getFileName().toString();
            if (baseName.equals(name)) {
                baseName = "base-" + baseName;
            }
            Matcher m = BASE.matcher(text);
            if (!m.find()) {
                throw new UserError(file + ": write the base on one line as `base: PATH` so that it can be sent along");
            }
            text = text.substring(0, m.start(2)) + baseName + text.substring(m.end(2));
            files.put(baseName, read(base));
        }
        files.put(name, text);
        body.put("main", name);
        body.put("priority", priority);
        ServerClient client = new ServerClient(server, tokenFile);
        JsonNode job = client.post("api/jobs", "application/json", Json.COMPACT.writeValueAsString(body));
        PrintWriter out = main.out();
        long id = job.path("id").asLong();
        out.printf("job %d queued: %s %s (%d bundles pinned)%n", id, job.path("kind").asText(),
                job.path("name").asText(), job.path("bundles").size());
        out.flush();
        if (!wait) {
            return 0;
        }
        return JobsCommand.await(client, id, out);
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError(f + " does not exist");
        } catch (IOException e) {
            throw new UserError("cannot read " + f + ": " + e.getMessage());
        }
    }
}
