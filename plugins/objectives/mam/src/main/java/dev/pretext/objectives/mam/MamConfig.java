package dev.pretext.objectives.mam;

/**
 * TERA-style masked acoustic modelling.
 *
 * @param maskProb      share of each utterance's real frames covered by time-mask spans, in (0, 1] (default 0.15)
 * @param span          frames per time-mask span, at least 1 (default 7, TERA's value)
 * @param freqMaskProb  probability that an utterance also gets a frequency mask, in [0, 1] (default 1.0: TERA
 *                      draws a frequency band for every utterance)
 * @param freqMaskWidth the widest frequency band as a share of the bins, in [0, 1) (default 0.2); each masked
 *                      utterance draws its band width uniformly from 0 to this many bins
 */
public record MamConfig(Double maskProb, Integer span, Double freqMaskProb, Double freqMaskWidth) {
    public MamConfig {
        maskProb = maskProb == null ? 0.15 : maskProb;
        span = span == null ? 7 : span;
        freqMaskProb = freqMaskProb == null ? 1.0 : freqMaskProb;
        freqMaskWidth = freqMaskWidth == null ? 0.2 : freqMaskWidth;
        if (!(maskProb > 0 && maskProb <= 1)) {
            throw new IllegalArgumentException("mask_prob must be in (0, 1], got " + maskProb);
        }
        if (span < 1) {
            throw new IllegalArgumentException("span must be at least 1 frame, got " + span);
        }
        if (!(freqMaskProb >= 0 && freqMaskProb <= 1)) {
            throw new IllegalArgumentException("freq_mask_prob must be in [0, 1], got " + freqMaskProb);
        }
        if (!(freqMaskWidth >= 0 && freqMaskWidth < 1)) {
            throw new IllegalArgumentException("freq_mask_width must be in [0, 1) (a share of the feature bins), got "
                    + freqMaskWidth);
        }
    }
}
