package dev.pretext.api.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.pretext.api.data.Utterance;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One padded batch, as the core hands it to an objective.
 *
 * @param features   [B, T, F] features; padded frames are zero
 * @param valid      [B, T] float mask, 1 for real frames
 * @param lengths    real frames per row
 * @param utterances the rows' utterances (labels, ids)
 * @param manager    the step's manager: create temporaries here, they are freed after the step
 * @param rng        this step's random stream (masking, negatives); seeded by the core from the run seed and step
 * @param startSeconds where each row's audio starts within its utterance: training crops long utterances at a
 *                   random point, and frame-aligned targets (cluster labels) must be read from there. Speed
 *                   augmentation changes the time scale after the crop; targets cannot follow it
 */
public record TrainingBatch(NDArray features, NDArray valid, int[] lengths, List<Utterance> utterances,
                            NDManager manager, RandomGenerator rng, double[] startSeconds) {
    public TrainingBatch {
        if (startSeconds.length != lengths.length) {
            throw new IllegalArgumentException("one start per row: " + startSeconds.length + " starts for "
                    + lengths.length + " rows");
        }
    }

    /** A batch whose rows all start at the beginning of their utterances. */
    public TrainingBatch(NDArray features, NDArray valid, int[] lengths, List<Utterance> utterances,
                         NDManager manager, RandomGenerator rng) {
        this(features, valid, lengths, utterances, manager, rng, new double[lengths.length]);
    }

    public int size() {
        return lengths.length;
    }

    public int frames() {
        return (int) features.getShape().get(1);
    }
}
