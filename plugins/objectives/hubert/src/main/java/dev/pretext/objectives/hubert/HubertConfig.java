package dev.pretext.objectives.hubert;

/**
 * HuBERT-style masked prediction of discrete targets.
 *
 * @param targets        the folder the targets stage wrote ({@code pretext train} makes it when missing, {@code pretext targets <recipe>} on request); a
 *                       relative path is taken from the working directory. Required
 * @param clusters       the number of clusters the labels must have; left out, whatever the folder says
 * @param maskProb       share of frames that start a mask span, in (0, 1] (default 0.8, HuBERT's; spans may overlap,
 *                       so about half the frames end up masked)
 * @param span           mask span length in 20 ms frames (default 10, i.e. 200 ms, HuBERT's), scaled to the
 *                       frontend's frame rate: 20 frames at 100 Hz
 * @param unmaskedWeight weight of the loss on unmasked frames, at least 0 (default 0: masked frames only)
 * @param finalDim       width of the final projection and of the label embeddings (default 256)
 * @param temperature    of the cosine-similarity logits, positive (default 0.1)
 */
public record HubertConfig(String targets, Integer clusters, Double maskProb, Integer span, Double unmaskedWeight,
                           Integer finalDim, Double temperature) {
    /** HuBERT's span is 10 frames of 20 ms. */
    static final double SPAN_RATE_HZ = 50;

    public HubertConfig {
        if (targets == null || targets.isBlank()) {
            throw new IllegalArgumentException("targets is required: the folder that holds (or will hold) the k-means "
                    + "labels, e.g. runs/targets/hubert-mfcc-100; `pretext train` makes it when missing");
        }
        maskProb = maskProb == null ? 0.8 : maskProb;
        span = span == null ? 10 : span;
        unmaskedWeight = unmaskedWeight == null ? 0.0 : unmaskedWeight;
        finalDim = finalDim == null ? 256 : finalDim;
        temperature = temperature == null ? 0.1 : temperature;
        if (clusters != null && clusters < 2) {
            throw new IllegalArgumentException("clusters must be at least 2, got " + clusters);
        }
        if (!(maskProb > 0 && maskProb <= 1)) {
            throw new IllegalArgumentException("mask_prob must be in (0, 1], got " + maskProb);
        }
        if (span < 1) {
            throw new IllegalArgumentException("span must be at least 1 (20 ms frames), got " + span);
        }
        if (!(unmaskedWeight >= 0 && Double.isFinite(unmaskedWeight))) {
            throw new IllegalArgumentException("unmasked_weight must be >= 0, got " + unmaskedWeight);
        }
        if (finalDim < 1 || finalDim > 4096) {
            throw new IllegalArgumentException("final_dim must be in [1, 4096], got " + finalDim);
        }
        if (!(temperature > 0 && Double.isFinite(temperature))) {
            throw new IllegalArgumentException("temperature must be positive, got " + temperature);
        }
    }

    /** The defaults, reading targets from {@code dir}. */
    public static HubertConfig of(String dir) {
        return new HubertConfig(dir, null, null, null, null, null, null);
    }

    /** Span length in frames of a frontend at {@code frameRateHz}. */
    int spanFrames(double frameRateHz) {
        return Math.max(1, (int) Math.round(span * frameRateHz / SPAN_RATE_HZ));
    }
}
