package dev.pretext.launcher;

import java.nio.file.Files;
import java.nio.file.Path;

/** A process that takes a host storage folder, says which, and runs until it is killed. */
public final class HostStorageChild {
    private HostStorageChild() {
    }

    public static void main(String[] args) throws Exception {
        HostStorage storage = HostStorage.create(Path.of(args[0]));
        Files.writeString(storage.dir().resolve("cache.bin"), "what Felix would keep here");
        System.out.println(storage.dir());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
