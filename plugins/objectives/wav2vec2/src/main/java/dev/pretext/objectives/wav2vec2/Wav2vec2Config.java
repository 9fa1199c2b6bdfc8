package dev.pretext.objectives.wav2vec2;

import java.util.List;
import java.util.Objects;

/**
 * wav2vec 2.0's contrastive objective (Baevski et al. 2020).
 *
 * @param maskProb         share of each utterance's frames that start a mask span, in (0, 1] (default 0.65); spans
 *                         overlap, so about half of the frames end up masked
 * @param spanMs           length of a mask span in milliseconds (default 200: the paper's 10 frames at 50 Hz),
 *                         turned into frames at the rate of what the frontend hands the encoder
 * @param groups           codebooks of the product quantiser, at least 1 (default 2)
 * @param entries          entries per codebook, at least 2 (default 320)
 * @param finalDim         width of the space where context and targets are compared (default 256); a multiple of
 *                         groups (each codebook's vectors are final_dim / groups wide)
 * @param negatives        distractors per masked frame, drawn from the other masked frames of its utterance
 *                         (default 100)
 * @param logitTemperature divides the cosine similarities, > 0 (default 0.1)
 * @param gumbelTemperature the Gumbel-softmax temperature [start, floor], start >= floor > 0 (default [2.0, 0.5])
 * @param gumbelDecay      the temperature is max(start * decay^n, floor) after n training passes, in (0, 1]
 *                         (default 0.999995, the paper's per-update factor)
 * @param diversityWeight  weight of the codebook diversity loss, >= 0 (default 0.1)
 * @param collapseShare    a warning is printed when the codebook perplexity falls below this share of
 *                         groups x entries, in [0, 1] (default 0.02; 0 turns the warning off)
 */
public record Wav2vec2Config(Double maskProb, Double spanMs, Integer groups, Integer entries, Integer finalDim,
                             Integer negatives, Double logitTemperature, List<Double> gumbelTemperature,
                             Double gumbelDecay, Double diversityWeight, Double collapseShare) {
    public Wav2vec2Config {
        maskProb = maskProb == null ? 0.65 : maskProb;
        spanMs = spanMs == null ? 200.0 : spanMs;
        groups = groups == null ? 2 : groups;
        entries = entries == null ? 320 : entries;
        finalDim = finalDim == null ? 256 : finalDim;
        negatives = negatives == null ? 100 : negatives;
        logitTemperature = logitTemperature == null ? 0.1 : logitTemperature;
        if (gumbelTemperature != null && gumbelTemperature.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("gumbel_temperature must be [start, floor] with start >= floor > 0, got "
                    + gumbelTemperature);
        }
        gumbelTemperature = gumbelTemperature == null ? List.of(2.0, 0.5) : List.copyOf(gumbelTemperature);
        gumbelDecay = gumbelDecay == null ? 0.999995 : gumbelDecay;
        diversityWeight = diversityWeight == null ? 0.1 : diversityWeight;
        collapseShare = collapseShare == null ? 0.02 : collapseShare;
        if (!(maskProb > 0 && maskProb <= 1)) {
            throw new IllegalArgumentException("mask_prob must be in (0, 1], got " + maskProb);
        }
        if (!(spanMs > 0 && spanMs <= 10_000)) {
            throw new IllegalArgumentException("span_ms must be in (0, 10000] milliseconds, got " + spanMs);
        }
        if (groups < 1 || groups > 64) {
            throw new IllegalArgumentException("groups must be in [1, 64], got " + groups);
        }
        if (entries < 2 || entries > 65_536) {
            throw new IllegalArgumentException("entries must be in [2, 65536], got " + entries);
        }
        if (finalDim < 1 || finalDim % groups != 0) {
            throw new IllegalArgumentException("final_dim must be a positive multiple of groups (" + groups
                    + "), got " + finalDim);
        }
        if (negatives < 1) {
            throw new IllegalArgumentException("negatives must be at least 1, got " + negatives);
        }
        if (!(logitTemperature > 0)) {
            throw new IllegalArgumentException("logit_temperature must be > 0, got " + logitTemperature);
        }
        if (gumbelTemperature.size() != 2 || !(gumbelTemperature.get(1) > 0)
                || !(gumbelTemperature.get(0) >= gumbelTemperature.get(1))) {
            throw new IllegalArgumentException("gumbel_temperature must be [start, floor] with start >= floor > 0, got "
                    + gumbelTemperature);
        }
        if (!(gumbelDecay > 0 && gumbelDecay <= 1)) {
            throw new IllegalArgumentException("gumbel_decay must be in (0, 1], got " + gumbelDecay);
        }
        if (!(diversityWeight >= 0)) {
            throw new IllegalArgumentException("diversity_weight must be >= 0, got " + diversityWeight);
        }
        if (!(collapseShare >= 0 && collapseShare <= 1)) {
            throw new IllegalArgumentException("collapse_share must be in [0, 1], got " + collapseShare);
        }
    }

    public static Wav2vec2Config defaults() {
        return new Wav2vec2Config(null, null, null, null, null, null, null, null, null, null, null);
    }

    /** Width of one codebook's vectors. */
    public int codeDim() {
        return finalDim / groups;
    }

    /** The Gumbel-softmax temperature after {@code passes} training passes. */
    public double gumbelTemperatureAfter(long passes) {
        return Math.max(gumbelTemperature.get(0) * Math.pow(gumbelDecay, (double) passes), gumbelTemperature.get(1));
    }
}
