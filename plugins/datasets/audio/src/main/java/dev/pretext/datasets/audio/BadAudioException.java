package dev.pretext.datasets.audio;

import java.io.IOException;

/**
 * A file that cannot be used as audio. The message is one line saying why, in words a user can act on
 * ("truncated: ...", "CRC-16 mismatch in frame 12 ...", "unsupported encoding: mu-law ..."); it does not name
 * the file, so that callers can put the path where they want it.
 */
public final class BadAudioException extends IOException {
    private static final long serialVersionUID = 1L;

    public BadAudioException(String reason) {
        super(reason);
    }

    public BadAudioException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
