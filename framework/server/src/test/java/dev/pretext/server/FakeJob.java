package dev.pretext.server;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A job's child process for the scheduler's tests: a real process that behaves as its recipe's name says
 * ({@code sleep-MS}, {@code fail}, {@code ok}, {@code scored-N}: a run
 * folder whose probe score is N), writing {@code started} into its job folder first.
 */
public final class FakeJob {
    public static void main(String[] args) throws Exception {
        String name = args[0];
        Path jobDir = Path.of("").toAbsolutePath();
        Files.writeString(jobDir.resolve("started-" + ProcessHandle.current().pid()), "");
        System.out.println("fake job " + name + " in " + jobDir);
        if (name.startsWith("sleep-")) {
            Thread.sleep(Long.parseLong(name.substring("sleep-".length())));
        } else if (name.startsWith("scored-")) {
            // A trained and probed run as pretext train leaves it: three logged steps, a manifest, a probe score.
            Path run = Files.createDirectories(jobDir.resolve("runs").resolve(name));
            StringBuilder metrics = new StringBuilder();
            for (int step = 1; step <= 3; step++) {
                metrics.append("{\"step\":").append(step).append(",\"loss\":").append(1.0 / step)
                        .append(",\"flops_total\":").append(step * 1.0e9).append("}\n");
            }
            Files.writeString(run.resolve("metrics.jsonl"), metrics);
            Files.writeString(run.resolve("manifest.json"), "{\"run\":\"" + name + "\",\"parameters\":3580224,"
                    + "\"components\":[{\"slot\":\"objective\",\"type\":\"mam\"},{\"slot\":\"encoder\","
                    + "\"type\":\"transformer\"}],\"training\":{\"steps\":3,\"flops\":3.0e9,\"final_loss\":0.33}}");
            Files.writeString(run.resolve("probes.json"), "{\"overall_score\":{\"pretrained\":"
                    + name.substring("scored-".length()) + "},\"overall_score_std\":{\"pretrained\":1.5}}");
            Files.createDirectories(run.resolve("checkpoints/step-00000003"));
            Files.writeString(run.resolve("checkpoints/step-00000003/model.ndlist"), "weights");
        } else if (name.equals("fail")) {
            System.out.println("pretext: data folder /nowhere does not exist; give an existing folder");
            System.exit(2);
        }
        System.exit(0);
    }

    private FakeJob() {
    }
}
