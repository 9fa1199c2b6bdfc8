package dev.pretext.core.data;

import dev.pretext.api.data.Utterance;

import java.util.List;

/**
 * A padded batch in plain Java memory, ready to become NDArrays: {@code features[(b * frames + t) * dim + d]}.
 *
 * @param epoch    the epoch it belongs to
 * @param index    its position in the epoch's plan
 * @param seconds  real (unpadded) audio seconds in it
 * @param startSeconds where each row's audio starts in its utterance (after cropping)
 */
public record HostBatch(int epoch, int index, float[] features, int[] lengths, int frames, int dim,
                        List<Utterance> utterances, double seconds, double[] startSeconds) {
    public int size() {
        return lengths.length;
    }

    public long realFrames() {
        long n = 0;
        for (int l : lengths) {
            n += l;
        }
        return n;
    }

    public double paddingShare() {
        long total = (long) size() * frames;
        return total == 0 ? 0 : 1.0 - realFrames() / (double) total;
    }
}
