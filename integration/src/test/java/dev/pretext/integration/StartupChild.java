package dev.pretext.integration;

import dev.pretext.launcher.Host;
import dev.pretext.launcher.Main;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link StartupTest}: {@code cli ARGS...} runs the command line in-process, {@code host
 * PLUGINS LOG} starts a host for a command that makes tensors; then prints the exit code and whether libtorch is
 * loaded in the process.
 */
public final class StartupChild {
    private StartupChild() {
    }

    public static void main(String[] args) {
        int exit;
        if (args[0].equals("host")) {
            try (Host host = Host.start(Dist.system(), Path.of(args[1]), Path.of(args[2]))) {
                exit = host.registry().plugins().isEmpty() ? 1 : 0;
            }
        } else {
            exit = Main.run(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        System.out.println("exit " + exit + ", libtorch loaded: " + Host.libtorchLoaded());
        System.out.flush();
        System.exit(0);
    }
}
