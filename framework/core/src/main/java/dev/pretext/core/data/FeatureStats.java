package dev.pretext.core.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pretext.api.audio.Features;
import dev.pretext.api.data.Utterance;
import dev.pretext.core.UserError;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Per-dimension mean and standard deviation of a frontend's features over (a deterministic sample of) the
 * training corpus: global normalisation. Unlike per-utterance normalisation it keeps what distinguishes one
 * utterance from another (a speaker's spectral envelope), and it gives every frontend's output the same scale.
 */
public record FeatureStats(@JsonProperty("mean") float[] mean, @JsonProperty("std") float[] std,
                           @JsonProperty("utterances") int utterances, @JsonProperty("frames") long frames) {
    private static final double STD_FLOOR = 1e-5;

    /**
     * Estimates every bin's mean and deviation from a sample of the corpus.
     *
     * @param limit at most this many utterances, chosen by a seeded hash of their ids so the sample does not
     *              depend on listing order
     */
    public static FeatureStats estimate(List<Utterance> corpus, Function<Utterance, Features> features, int limit,
                                        long seed) {
        List<Utterance> sample = corpus.stream()
                .sorted(Comparator.comparingLong((Utterance u) -> Seeds.mix(seed, 0x57A75L, u.id()))
                        .thenComparing(Utterance::id))
                .limit(limit).toList();
        List<Features> extracted = sample.parallelStream().map(features).toList();
        int dim = extracted.get(0).dim();
        double[] sum = new double[dim];
        double[] sumSq = new double[dim];
        long frames = 0;
        for (int k = 0; k < extracted.size(); k++) {
            Features f = extracted.get(k);
            float[] x = f.data();
            for (int t = 0; t < f.frames(); t++) {
                for (int d = 0; d < dim; d++) {
                    double v = x[t * dim + d];
                    if (!Double.isFinite(v)) {
                        // One such value would make every statistic NaN and the first loss NaN: name the source.
                        Utterance u = sample.get(k);
                        throw new UserError(String.format(Locale.ROOT, "utterance %s (%s) gives a %s feature at "
                                        + "frame %d, bin %d: its audio most likely holds NaN, infinite or "
                                        + "absurdly large samples; fix or remove the file", u.id(), u.audio(),
                                Double.isNaN(v) ? "NaN" : "infinite", t, d));
                    }
                    sum[d] += v;
                    sumSq[d] += v * v;
                }
            }
            frames += f.frames();
        }
        float[] mean = new float[dim];
        float[] std = new float[dim];
        for (int d = 0; d < dim; d++) {
            double m = sum[d] / Math.max(1, frames);
            mean[d] = (float) m;
            std[d] = (float) Math.max(STD_FLOOR, Math.sqrt(Math.max(0, sumSq[d] / Math.max(1, frames) - m * m)));
        }
        return new FeatureStats(mean, std, sample.size(), frames);
    }

    /** A normalised copy. */
    public Features apply(Features f) {
        int dim = f.dim();
        if (dim != mean.length) {
            throw new IllegalStateException("feature statistics are for " + mean.length + " dims, features have " + dim);
        }
        float[] in = f.data();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            int d = i % dim;
            out[i] = (in[i] - mean[d]) / std[d];
        }
        return new Features(out, f.frames(), dim);
    }
}
