package dev.pretext.integration;

import dev.pretext.launcher.Host;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link LeftoversTest}: boots the host on a plugins folder, prints "started", and then
 * either waits to be killed ({@code wait}) or closes the host and exits ({@code exit}).
 */
public final class HostChild {
    private HostChild() {
    }

    public static void main(String[] args) throws Exception {
        Path plugins = Files.createDirectories(Path.of(args[0]));
        try (Host host = Host.start(Dist.system(), plugins, Path.of(args[1]))) {
            System.out.println("started with " + host.registry().plugins().size() + " plugins");
            System.out.flush();
            if (args[2].equals("wait")) {
                Thread.sleep(Long.MAX_VALUE);
            }
        }
    }
}
