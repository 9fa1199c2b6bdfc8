package dev.pretext.core.train;

/**
 * A request from outside the run to stop training at the next step boundary, after writing a checkpoint: what a
 * batch scheduler asks for when it preempts, requeues or nears a job's time limit (it sends SIGTERM, then SIGKILL
 * after a grace period). The launcher turns the signal into {@link #request()}; the {@link Trainer} checks it
 * before every step and, when set, saves a checkpoint and throws {@link RunStopped}.
 *
 * <p>A signal only means "stop at the next step" while a trainer is listening; at any other moment (composing the
 * run, synthesising data, probing) there is no step boundary to wait for, and {@link #request()} says so, so that
 * the caller can end the process as SIGTERM always did.
 */
public final class StopRequest {
    private static final Object LOCK = new Object();
    private static int listening;
    private static boolean requested;

    private StopRequest() {
    }

    /**
     * Asks the trainer to stop at its next step boundary.
     *
     * @return false when no trainer is listening: nothing will act on the request
     */
    public static boolean request() {
        synchronized (LOCK) {
            requested = true;
            return listening > 0;
        }
    }

    /** Whether a stop was asked for (read before every step). */
    public static boolean requested() {
        synchronized (LOCK) {
            return requested;
        }
    }

    /** A trainer enters its loop: a request from now on stops it at a step boundary. */
    static void listen() {
        synchronized (LOCK) {
            listening++;
        }
    }

    /**
     * A trainer leaves its loop.
     *
     * @return whether a stop was asked for while it listened, or before: it must not go on to probing then
     */
    static boolean stopListening() {
        synchronized (LOCK) {
            listening--;
            return requested;
        }
    }

    /** Forgets a request (tests; a process that was asked to stop ends). */
    static void clear() {
        synchronized (LOCK) {
            requested = false;
        }
    }
}
