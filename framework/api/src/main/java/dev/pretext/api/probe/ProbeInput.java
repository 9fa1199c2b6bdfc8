package dev.pretext.api.probe;

import java.util.List;

/**
 * What a probe trains and tests on. The core splits the data (by utterance, keeping every speaker in both
 * parts) and extracts the frozen representations once per upstream.
 *
 * @param frameRateHz frames per second of the representations (to map label times to frames)
 * @param seed        seed for the probe's head initialisation and shuffling
 * @throws IllegalArgumentException when a part is empty or the representations differ in layers or width
 */
public record ProbeInput(List<ProbeExample> train, List<ProbeExample> test, double frameRateHz, long seed) {
    public ProbeInput {
        train = List.copyOf(train);
        test = List.copyOf(test);
        if (train.isEmpty() || test.isEmpty()) {
            throw new IllegalArgumentException("a probe needs both training and test examples");
        }
        LayerStack first = train.get(0).representation();
        for (List<ProbeExample> part : List.of(train, test)) {
            for (ProbeExample example : part) {
                LayerStack stack = example.representation();
                if (stack.layers() != first.layers() || stack.dim() != first.dim()) {
                    throw new IllegalArgumentException("utterance '" + example.utterance().id() + "' has "
                            + stack.layers() + " layers x " + stack.dim() + " units but the first has "
                            + first.layers() + " x " + first.dim()
                            + ": every utterance must come from the same upstream");
                }
            }
        }
    }

    public int layers() {
        return train.get(0).representation().layers();
    }

    public int dim() {
        return train.get(0).representation().dim();
    }
}
