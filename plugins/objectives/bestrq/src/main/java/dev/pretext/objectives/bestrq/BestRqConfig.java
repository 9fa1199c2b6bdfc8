package dev.pretext.objectives.bestrq;

/**
 * BEST-RQ: BERT-style prediction of the codes a frozen random-projection quantiser gives the input.
 *
 * @param codebookSize codes in the random codebook, at least 2 (default 1024; the paper's 8192 suits thousands of
 *                     hours, a small corpus leaves most of them unused)
 * @param codebookDim  width of the projection and the codes, at least 1 (default 16, as the paper)
 * @param stack        input frames stacked into one label frame, at least 1 (default 4: 40 ms labels from 10 ms
 *                     features, the paper's label rate); the encoder's hidden states are averaged over the same
 *                     frames before the head
 * @param maskProb     share of each utterance's label frames covered by masked spans, in (0, 1] (default 0.4)
 * @param span         label frames per masked span, at least 1 (default 5, i.e. 200 ms with stack 4)
 * @param noiseStd     standard deviation of the noise that replaces masked frames, in units of the utterance's
 *                     per-bin standard deviation around its mean, at least 0 (default 0.1, as the paper)
 */
public record BestRqConfig(Integer codebookSize, Integer codebookDim, Integer stack, Double maskProb, Integer span,
                           Double noiseStd) {
    public BestRqConfig {
        codebookSize = codebookSize == null ? 1024 : codebookSize;
        codebookDim = codebookDim == null ? 16 : codebookDim;
        stack = stack == null ? 4 : stack;
        maskProb = maskProb == null ? 0.4 : maskProb;
        span = span == null ? 5 : span;
        noiseStd = noiseStd == null ? 0.1 : noiseStd;
        if (codebookSize < 2) {
            throw new IllegalArgumentException("codebook_size must be at least 2 codes, got " + codebookSize);
        }
        if (codebookDim < 1) {
            throw new IllegalArgumentException("codebook_dim must be at least 1, got " + codebookDim);
        }
        if (stack < 1) {
            throw new IllegalArgumentException("stack must be at least 1 frame, got " + stack);
        }
        if (!(maskProb > 0 && maskProb <= 1)) {
            throw new IllegalArgumentException("mask_prob must be in (0, 1] (the share of label frames masked), got "
                    + maskProb);
        }
        if (span < 1) {
            throw new IllegalArgumentException("span must be at least 1 label frame, got " + span);
        }
        if (!(noiseStd >= 0 && Double.isFinite(noiseStd))) {
            throw new IllegalArgumentException("noise_std must be a finite number >= 0, got " + noiseStd);
        }
    }
}
