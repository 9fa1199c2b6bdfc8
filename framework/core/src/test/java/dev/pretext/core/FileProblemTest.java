package dev.pretext.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FileProblemTest {
    @Test
    void theMachinesSituationIsNamedWithWhatToDo() {
        assertEquals(new FileProblem("the disk is full (No space left on device)", "free some space"),
                FileProblem.of(new IOException("No space left on device")));
        assertEquals("the file system is read-only", FileProblem.of(new UncheckedIOException("cannot write x",
                new FileSystemException("/x", null, "Read-only file system"))).what(), "found behind a wrapper");
        assertEquals("permission denied", FileProblem.of(new AccessDeniedException("/x")).what());
        assertEquals("the disk quota is used up (Disk quota exceeded)",
                FileProblem.of(new IOException("Disk quota exceeded")).what());
    }

    @Test
    void anythingElseStaysAFailure() {
        assertNull(FileProblem.of(new IOException("Connection reset")));
        assertNull(FileProblem.of(new IllegalStateException("a bug")));
        assertNull(FileProblem.of(null));
    }

    @Test
    void aFileWhereAFolderShouldBeIsRecognisedFromTheRealException(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        Path file = Files.writeString(dir.resolve("runs"), "x");
        IOException e = assertThrows(IOException.class, () -> Files.createDirectories(file.resolve("sub")));
        assertEquals("a file is in the way where a folder should be", FileProblem.of(e).what(), e.toString());
    }
}
