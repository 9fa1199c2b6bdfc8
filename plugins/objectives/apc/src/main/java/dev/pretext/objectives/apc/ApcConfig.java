package dev.pretext.objectives.apc;

import java.util.Locale;

/**
 * Autoregressive predictive coding.
 *
 * @param shift how many frames ahead the encoder predicts, at least 1 (default 3, the paper's best for phonetic
 *              content; larger shifts favour slower properties such as the speaker)
 * @param loss  {@code l1} (default, as the paper) or {@code l2}: the distance between prediction and frame
 */
public record ApcConfig(Integer shift, String loss) {
    public ApcConfig {
        shift = shift == null ? 3 : shift;
        loss = loss == null ? "l1" : loss.toLowerCase(Locale.ROOT);
        if (shift < 1) {
            throw new IllegalArgumentException("shift must be at least 1 frame (predict the future), got " + shift);
        }
        if (!loss.equals("l1") && !loss.equals("l2")) {
            throw new IllegalArgumentException("loss must be l1 or l2, got '" + loss + "'");
        }
    }

    public boolean squared() {
        return loss.equals("l2");
    }
}
