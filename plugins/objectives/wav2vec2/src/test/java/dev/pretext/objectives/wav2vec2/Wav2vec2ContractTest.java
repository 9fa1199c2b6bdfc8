package dev.pretext.objectives.wav2vec2;

import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.model.Encoder;
import dev.pretext.api.model.Objective;
import dev.pretext.architectures.transformer.TransformerConfig;
import dev.pretext.architectures.transformer.TransformerEncoder;
import dev.pretext.testkit.ObjectiveContract;

import java.util.List;

/**
 * The shared objective contract. A small codebook keeps it quick; the Gumbel temperature is held constant
 * (gumbel_decay 1) because the contract repeats passes on one model and expects equal gradients, while the
 * annealing temperature deliberately changes with every training pass (tested in {@link Wav2vec2ObjectiveTest}).
 */
class Wav2vec2ContractTest extends ObjectiveContract {
    static final Wav2vec2Config SMALL = new Wav2vec2Config(null, null, 2, 16, 32, 20, null, List.of(2.0, 0.5), 1.0,
            null, 0.0);

    @Override
    protected Objective newObjective(FeatureSpec spec) {
        return new Wav2vec2Objective(SMALL);
    }

    /** Contrastive learning with 20 distractors starts at about log 21 and needs a few more steps to halve. */
    @Override
    protected int overfitSteps() {
        return 80;
    }

    @Override
    protected Encoder newEncoder(FeatureSpec spec) {
        return new TransformerEncoder(TransformerConfig.shape(2, 32, 4, 64), spec);
    }
}
