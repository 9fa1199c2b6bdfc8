package dev.pretext.api.probe;

import dev.pretext.api.data.Utterance;

/** An utterance with its labels and its frozen representation. */
public record ProbeExample(Utterance utterance, LayerStack representation) {
}
