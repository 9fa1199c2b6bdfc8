package dev.pretext.core;

/**
 * A failure pretext detected and can explain in one message (a probe that diverged, a run that cannot go on), as
 * opposed to a {@link UserError}: not the user's mistake, so the CLI exits with code 1, but the message says what
 * happened and what to do, and a stack trace would add nothing.
 */
public class PretextFailure extends RuntimeException {
    public PretextFailure(String message) {
        super(message);
    }
}
