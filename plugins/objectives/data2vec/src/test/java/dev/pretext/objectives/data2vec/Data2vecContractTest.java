package dev.pretext.objectives.data2vec;

import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.model.Encoder;
import dev.pretext.api.model.Objective;
import dev.pretext.architectures.transformer.TransformerConfig;
import dev.pretext.architectures.transformer.TransformerEncoder;
import dev.pretext.testkit.ObjectiveContract;

/** The shared objective contract, with a fixed teacher (the contract does not update it). */
class Data2vecContractTest extends ObjectiveContract {
    @Override
    protected Objective newObjective(FeatureSpec spec) {
        return new Data2vecObjective(Data2vecConfig.defaults());
    }

    @Override
    protected Encoder newEncoder(FeatureSpec spec) {
        return new TransformerEncoder(TransformerConfig.shape(2, 32, 4, 64), spec);
    }
}
