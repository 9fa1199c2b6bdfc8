package dev.pretext.core.recipe;

import dev.pretext.core.UserError;

import java.nio.file.Path;

/** A recipe mistake, located: {@code file:line: key: problem} followed by what would be valid. */
public final class RecipeError extends UserError {
    private final Path file;
    private final String key;
    private final int line;
    private final String problem;
    private final String hint;

    public RecipeError(Path file, int line, String key, String problem, String hint) {
        super(format(file, line, key, problem, hint));
        this.file = file;
        this.key = key;
        this.line = line;
        this.problem = problem;
        this.hint = hint;
    }

    private static String format(Path file, int line, String key, String problem, String hint) {
        StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "recipe" : file.toString());
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (key != null && !key.isEmpty()) {
            sb.append(Strings.clip(key, 120)).append(": ");
        }
        // Values are echoed in quotes; a 100,000-character one must not be printed back whole.
        sb.append(Strings.clipQuoted(problem, 80));
        if (hint != null && !hint.isBlank()) {
            sb.append("\n  ").append(hint);
        }
        return sb.toString();
    }

    /** The dotted key, e.g. {@code objective.mask_prob}. */
    public String key() {
        return key;
    }

    public int line() {
        return line;
    }

    public Path file() {
        return file;
    }

    /** The problem alone, without file, line and key (a sweep re-locates it at its axis). */
    public String problem() {
        return problem;
    }

    /** What would be valid, or null. */
    public String hint() {
        return hint;
    }
}
