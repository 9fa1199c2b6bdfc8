package dev.pretext.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NotDirectoryException;

/**
 * A file operation that failed because of the user's own machine (a full disk, a read-only mount, no
 * permission, a file where a folder should be), said in words with what to do. Anything else is not one
 * ({@link #of} returns null) and stays a failure with its stack trace.
 *
 * @param what what happened, e.g. "the disk is full (No space left on device)"
 * @param todo what to do about it, e.g. "free some space"
 */
public record FileProblem(String what, String todo) {

    /** The user's situation behind {@code e} or one of its causes, or null when it is something else. */
    public static FileProblem of(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                FileProblem p = ofIo(io);
                if (p != null) {
                    return p;
                }
            }
        }
        return null;
    }

    private static FileProblem ofIo(IOException e) {
        // The JDK reports ENOSPC, EROFS and EDQUOT only as the message (strerror), on every file operation.
        String reason = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
        String text = reason == null ? "" : reason;
        if (text.contains("No space left on device")) {
            return new FileProblem("the disk is full (No space left on device)", "free some space");
        }
        if (text.contains("Disk quota exceeded")) {
            return new FileProblem("the disk quota is used up (Disk quota exceeded)", "free some space");
        }
        if (text.contains("Read-only file system")) {
            return new FileProblem("the file system is read-only", "choose a writable folder");
        }
        if (e instanceof AccessDeniedException || text.contains("Permission denied")) {
            return new FileProblem("permission denied", "choose a folder you can write to");
        }
        if (e instanceof NotDirectoryException || e instanceof FileAlreadyExistsException
                || text.contains("Not a directory")) {
            return new FileProblem("a file is in the way where a folder should be", "remove the file or choose another folder");
        }
        return null;
    }

    /** Unwraps an {@link UncheckedIOException}, so callers can catch both kinds in one place. */
    public static IOException io(Exception e) {
        return e instanceof UncheckedIOException u ? u.getCause() : e instanceof IOException io ? io : null;
    }
}
