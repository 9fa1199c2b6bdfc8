package dev.pretext.objectives.hubert.targets;

/**
 * What {@code targets.json} says about a targets folder.
 *
 * @param format             {@link Targets#FORMAT}
 * @param featureKind        what was clustered, e.g. {@code mfcc} or {@code layer6}
 * @param featureDim         values per frame that were clustered
 * @param labelRate          labels per second (the frame rate of the clustered features: 100 for MFCC, 50 for
 *                           20 ms encoder frames)
 * @param clusters           k: labels are in [0, k)
 * @param seed               the seed of the sample and of k-means++
 * @param passes             Lloyd passes run over the corpus
 * @param sampleFrames       frames in the k-means++ sample
 * @param utterances         labelled utterances (lines of labels.km)
 * @param frames             labelled frames
 * @param meanSquaredDistance mean squared distance of a frame to its centroid (k-means inertia per frame)
 * @param quality            agreement with the phone alignments, or null when no utterance had one
 */
public record TargetsInfo(String format, String featureKind, int featureDim, double labelRate, int clusters,
                          long seed, int passes, int sampleFrames, int utterances, long frames,
                          double meanSquaredDistance, Quality quality) {

    /**
     * @param pnmi          phone-normalised mutual information I(phone; label) / H(phone)
     * @param phonePurity   E_z[max_y p(y|z)]: frames carrying their cluster's majority phone
     * @param clusterPurity E_y[max_z p(z|y)]: frames in their phone's majority cluster
     * @param frames        frames with a phone (the frames these numbers are measured on)
     * @param utterances    utterances with a phone alignment
     * @param phones        distinct phones seen
     */
    public record Quality(double pnmi, double phonePurity, double clusterPurity, long frames, int utterances,
                          int phones) {
    }
}
