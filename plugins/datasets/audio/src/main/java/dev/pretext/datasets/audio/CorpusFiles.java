package dev.pretext.datasets.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** Small things every folder-based dataset does the same way. */
public final class CorpusFiles {
    private CorpusFiles() {
    }

    /**
     * The folder a config key names, absolute and normalised; an {@link IllegalArgumentException} naming the key
     * when it is not a folder.
     *
     * @param what what the folder should hold, for the message ("the .wav or .flac files")
     */
    public static Path folder(String value, String key, String what) {
        Path p = path(value, key);
        if (!Files.exists(p)) {
            throw new IllegalArgumentException(key + " folder " + p + " does not exist: point " + key
                    + " at the folder holding " + what);
        }
        if (!Files.isDirectory(p)) {
            throw new IllegalArgumentException(key + " " + p + " is a file, not a folder: point " + key
                    + " at the folder holding " + what);
        }
        return p;
    }

    /** A regular file a config key names, absolute and normalised. */
    public static Path file(String value, String key, String what) {
        Path p = path(value, key);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(key + " " + p + (Files.isDirectory(p) ? " is a folder" : " does not exist")
                    + ": point " + key + " at " + what);
        }
        return p;
    }

    private static Path path(String value, String key) {
        try {
            return Path.of(value).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(key + " '" + value + "' is not a valid path: " + e.getReason());
        }
    }

    /** The path below {@code root} with '/' separators, the same on every OS. */
    public static String relative(Path root, Path file) {
        StringBuilder s = new StringBuilder();
        for (Path part : root.relativize(file)) {
            if (s.length() > 0) {
                s.append('/');
            }
            s.append(part);
        }
        return s.toString();
    }

    /** A text file as UTF-8, or as Latin-1 when it is not valid UTF-8 (older tools write Latin-1). */
    public static String readText(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /** Links followed before a chain counts as a loop (Linux's own limit, MAXSYMLINKS, is 40). */
    private static final int MAX_LINKS = 40;

    /**
     * Why {@code file}, a symbolic link, cannot be followed to a file: a loop, or a link to nothing. Null when it
     * is not a symbolic link or leads to something that exists.
     */
    public static String linkProblem(Path file) {
        if (!Files.isSymbolicLink(file)) {
            return null;
        }
        Set<Path> seen = new HashSet<>();
        Path p = file.toAbsolutePath().normalize();
        try {
            for (int hops = 0; hops < MAX_LINKS && Files.isSymbolicLink(p); hops++) {
                if (!seen.add(p)) {
                    break;
                }
                p = p.resolveSibling(Files.readSymbolicLink(p)).normalize();
            }
        } catch (IOException e) {
            return "a symbolic link that cannot be read (" + e.getClass().getSimpleName() + ")";
        }
        if (Files.isSymbolicLink(p)) {
            return "a symbolic link loop (following it leads back to a link already followed); remove it or point "
                    + "it at an audio file";
        }
        if (!Files.exists(p)) {
            return "a broken symbolic link: its target " + p + " does not exist";
        }
        return null;
    }

    /**
     * Where {@code file} really is, symbolic links resolved, when that is outside {@code realRoot} (itself a real
     * path); null when it is inside, or when the file does not exist (the reader then says so).
     */
    public static Path outside(Path realRoot, Path file) {
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            return null;
        }
        return real.startsWith(realRoot) ? null : real;
    }

    /** The folder's real path (links resolved), or the folder as given when it cannot be resolved. */
    public static Path real(Path folder) {
        try {
            return folder.toRealPath();
        } catch (IOException e) {
            return folder;
        }
    }
}
