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
 */
public record TrainingBatch(NDArray features, NDArray valid, int[] lengths, List<Utterance> utterances,
                            NDManager manager, RandomGenerator rng) {
    public int size() {
        return lengths.length;
    }

    public int frames() {
        return (int) features.getShape().get(1);
    }
}
