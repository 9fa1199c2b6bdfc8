package dev.pretext.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pretext.core.Json;
import dev.pretext.core.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = "List a pretext server's jobs, or show, cancel, resume or retry one.")
final class JobsCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(paramLabel = "ID", arity = "0..1", description = "One job.")
    Long id;

    @Option(names = "--server", paramLabel = "URL",
            description = "The server (default: $PRETEXT_SERVER or " + ServerClient.DEFAULT_URL + ").")
    String server;

    @Option(names = "--token-file", paramLabel = "FILE", description = "Read the token from this file.")
    java.nio.file.Path tokenFile;

    @Option(names = "--state", description = "Only jobs in this state (queued, running, finished, failed, cancelled).")
    String state;

    @Option(names = "--cancel", description = "Cancel the job (a running one stops; it can be resumed).")
    boolean cancel;

    @Option(names = "--resume", description = "Queue an ended job again to continue from its checkpoints.")
    boolean resume;

    @Option(names = "--retry", description = "Queue an ended job again from the start (a sweep: its failed runs).")
    boolean retry;

    @Option(names = "--log", description = "Print the job's log (its last 200 lines).")
    boolean log;

    @Option(names = "--wait", description = "Wait until the job ends.")
    boolean wait;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ServerClient client = new ServerClient(server, tokenFile);
        PrintWriter out = main.out();
        int actions = (cancel ? 1 : 0) + (resume ? 1 : 0) + (retry ? 1 : 0);
        if (actions > 1) {
            throw new UserError("give one of --cancel, --resume, --retry");
        }
        if (id == null) {
            if (actions > 0 || log || wait) {
                throw new UserError("name the job: pretext jobs ID --cancel");
            }
            JsonNode list = client.get("api/jobs" + (state == null ? "" : "?state=" + state));
            if (json) {
                out.print(Json.pretty(list));
            } else {
                out.printf("%6s  %-9s %-6s %-28s %-10s %4s  %s%n", "ID", "STATE", "KIND", "NAME", "USER", "PRIO",
                        "SUBMITTED / REASON");
                for (JsonNode j : list.path("jobs")) {
                    out.printf(Locale.ROOT, "%6d  %-9s %-6s %-28s %-10s %4d  %s%s%n", j.path("id").asLong(),
                            j.path("state").asText(), j.path("kind").asText(), j.path("name").asText(),
                            j.path("user").asText(), j.path("priority").asInt(), j.path("submitted").asText(),
                            j.hasNonNull("reason") ? "  " + j.get("reason").asText() : "");
                }
            }
            out.flush();
            return 0;
        }
        if (actions > 0) {
            String action = cancel ? "cancel" : resume ? "resume" : "retry";
            JsonNode job = client.post("api/jobs/" + id + "/" + action, "application/json", "{}");
            out.printf("job %d: %s (%s)%n", id, action, job.path("state").asText());
        }
        if (log) {
            out.print(client.getText("api/jobs/" + id + "/log"));
        }
        if (wait) {
            out.flush();
            return await(client, id, out);
        }
        if (actions == 0 && !log) {
            out.print(Json.pretty(client.get("api/jobs/" + id)));
        }
        out.flush();
        return 0;
    }

    /** Polls until the job ends, printing each change of state; 0 when it finished. */
    static int await(ServerClient client, long id, PrintWriter out) throws InterruptedException {
        String last = null;
        while (true) {
            JsonNode job = client.get("api/jobs/" + id);
            String state = job.path("state").asText();
            if (!state.equals(last)) {
                out.printf("job %d: %s%s%n", id, state, job.hasNonNull("reason") ? " (" + job.get("reason").asText()
                        + ")" : "");
                out.flush();
                last = state;
            }
            switch (state) {
                case "finished":
                    return 0;
                case "failed":
                case "cancelled":
                    return 1;
                default:
                    Thread.sleep(1000);
            }
        }
    }
}
