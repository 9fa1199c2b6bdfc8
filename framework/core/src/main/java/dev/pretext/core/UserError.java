package dev.pretext.core;

/**
 * A mistake the user can fix (a recipe key, a missing folder, an absent plugin). The CLI prints the message
 * and exits with code 2, without a stack trace. Messages say what is wrong, where, and what to do.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
