package dev.pretext.objectives.data2vec;

import java.util.List;

/**
 * data2vec for speech (Baevski et al. 2022).
 *
 * @param maskProb    share of each utterance's frames that start a mask span, in (0, 1] (default 0.65, the
 *                    paper's); spans overlap, so about half of the frames end up masked
 * @param spanMs      length of a mask span in milliseconds (default 200: the paper's 10 frames at 50 Hz), turned
 *                    into frames at the rate of what the frontend hands the encoder (20 frames of fbank at 100 Hz)
 * @param topK        teacher layers averaged into the targets, at least 1 (default 8, the paper's); clipped to the
 *                    encoder's depth
 * @param loss        {@code l2} (default, the paper's choice for speech) or {@code smooth_l1}
 * @param beta        where smooth L1 turns from quadratic to linear, > 0 (default 0.25; ignored for l2)
 * @param emaDecay    the teacher's decay at the start and at the end of its ramp, each in [0, 1] (default
 *                    [0.999, 0.9999], the paper's)
 * @param emaRamp     share of the run's planned steps over which the decay rises linearly, in [0, 1] (default
 *                    0.075: the paper's 30k of 400k updates)
 */
public record Data2vecConfig(Double maskProb, Double spanMs, Integer topK, String loss, Double beta,
                             List<Double> emaDecay, Double emaRamp) {
    public static final List<String> LOSSES = List.of("l2", "smooth_l1");

    public Data2vecConfig {
        maskProb = maskProb == null ? 0.65 : maskProb;
        spanMs = spanMs == null ? 200.0 : spanMs;
        topK = topK == null ? 8 : topK;
        loss = loss == null ? "l2" : loss;
        beta = beta == null ? 0.25 : beta;
        if (emaDecay != null && emaDecay.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("ema_decay must be two decays in [0, 1], [start, end], got " + emaDecay);
        }
        emaDecay = emaDecay == null ? List.of(0.999, 0.9999) : List.copyOf(emaDecay);
        emaRamp = emaRamp == null ? 0.075 : emaRamp;
        if (!(maskProb > 0 && maskProb <= 1)) {
            throw new IllegalArgumentException("mask_prob must be in (0, 1], got " + maskProb);
        }
        if (!(spanMs > 0 && spanMs <= 10_000)) {
            throw new IllegalArgumentException("span_ms must be in (0, 10000] milliseconds, got " + spanMs);
        }
        if (topK < 1) {
            throw new IllegalArgumentException("top_k must be at least 1 layer, got " + topK);
        }
        if (!LOSSES.contains(loss)) {
            throw new IllegalArgumentException("loss must be one of " + LOSSES + ", got '" + loss + "'");
        }
        if (!(beta > 0)) {
            throw new IllegalArgumentException("beta must be > 0, got " + beta);
        }
        if (emaDecay.size() != 2 || !emaDecay.stream().allMatch(d -> d >= 0 && d <= 1)) {
            throw new IllegalArgumentException("ema_decay must be two decays in [0, 1], [start, end], got "
                    + emaDecay);
        }
        if (!(emaRamp >= 0 && emaRamp <= 1)) {
            throw new IllegalArgumentException("ema_ramp must be in [0, 1] (a share of the planned steps), got "
                    + emaRamp);
        }
    }

    public static Data2vecConfig defaults() {
        return new Data2vecConfig(null, null, null, null, null, null, null);
    }
}
