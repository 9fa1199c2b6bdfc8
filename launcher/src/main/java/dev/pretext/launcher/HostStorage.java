package dev.pretext.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The framework's throw-away storage folder ({@code pretext-host-<pid>-*} in the temporary folder, about 9 MB).
 * A killed process cannot delete it, so each folder holds a lock file that its process keeps locked while it
 * runs: a later start deletes every such folder whose lock it can take. The lock, not the pid, decides (pids
 * are reused, and containers sharing /tmp see other pid namespaces); the kernel drops the lock of a dead process.
 */
final class HostStorage implements AutoCloseable {
    static final String PREFIX = "pretext-host-";
    private static final String LOCK = ".lock";
    /**
     * Folders of hosts in this JVM. Their lock files are never opened by the clean-up: closing any channel on
     * a file drops every lock this process holds on it (POSIX record locks).
     */
    private static final Set<Path> OWNED = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private HostStorage(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    static HostStorage create(Path tmp) throws IOException {
        Path dir = Files.createTempDirectory(tmp, PREFIX + ProcessHandle.current().pid() + "-");
        // Locked under another name, then renamed (the lock stays with the open file): a lock file that
        // another start sees is always locked while its host runs.
        Path unlocked = dir.resolve(LOCK + ".new");
        FileChannel channel = FileChannel.open(unlocked, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock();
        Files.move(unlocked, dir.resolve(LOCK), StandardCopyOption.ATOMIC_MOVE);
        OWNED.add(dir.toAbsolutePath().normalize());
        return new HostStorage(dir, channel, lock);
    }

    Path dir() {
        return dir;
    }

    /** The framework's own folder, beside the lock: Felix empties its storage folder when it starts. */
    Path frameworkDir() {
        return dir.resolve("felix");
    }

    /** Deletes the storage folders of hosts that are no longer running; returns the folders deleted. */
    static List<Path> removeAbandoned(Path tmp) {
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            for (Path dir : ds) {
                if (Files.isDirectory(dir) && !OWNED.contains(dir.toAbsolutePath().normalize()) && abandoned(dir)) {
                    delete(dir);
                    removed.add(dir);
                }
            }
        } catch (IOException e) {
            // Cleaning up is a courtesy; a folder we cannot read is someone else's.
        }
        return removed;
    }

    /** True when no process holds the folder's lock. A folder without a lock file is one being created. */
    private static boolean abandoned(Path dir) {
        Path lockFile = dir.resolve(LOCK);
        if (!Files.isRegularFile(lockFile)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock probe = ch.tryLock();
            if (probe == null) {
                return false;
            }
            probe.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static void delete(Path dir) {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // Left for a later start, or another host starting at the same moment deletes it (the walk then
            // meets files that are gone: an UncheckedIOException).
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // Deleting follows anyway.
        }
        delete(dir);
        OWNED.remove(dir.toAbsolutePath().normalize());
    }
}
