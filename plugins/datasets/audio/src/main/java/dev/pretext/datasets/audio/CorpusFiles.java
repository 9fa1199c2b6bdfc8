package dev.pretext.datasets.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

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
}
