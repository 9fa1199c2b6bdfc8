package dev.pretext.server;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A job's child process for the scheduler's tests: a real process that behaves as its recipe's name says
 * ({@code sleep-MS}, {@code fail}, {@code ok}), writing {@code started} into its job folder first.
 */
public final class FakeJob {
    public static void main(String[] args) throws Exception {
        String name = args[0];
        Path jobDir = Path.of("").toAbsolutePath();
        Files.writeString(jobDir.resolve("started-" + ProcessHandle.current().pid()), "");
        System.out.println("fake job " + name + " in " + jobDir);
        if (name.startsWith("sleep-")) {
            Thread.sleep(Long.parseLong(name.substring("sleep-".length())));
        } else if (name.equals("fail")) {
            System.out.println("pretext: data folder /nowhere does not exist; give an existing folder");
            System.exit(2);
        }
        System.exit(0);
    }

    private FakeJob() {
    }
}
