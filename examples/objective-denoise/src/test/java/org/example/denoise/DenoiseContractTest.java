package org.example.denoise;

import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.model.Objective;
import dev.pretext.testkit.ObjectiveContract;

/**
 * pretext's shared objective contract on real libtorch: finite loss, one batch overfits, gradients reach the
 * encoder and survive a garbage collection, same seeds give the same loss, padding changes nothing, head FLOPs
 * reported. The encoder is the testkit's own small one.
 */
class DenoiseContractTest extends ObjectiveContract {
    @Override
    protected Objective newObjective(FeatureSpec spec) {
        return new DenoiseObjective(new DenoiseConfig(0.3), spec);
    }

    /** The noise comes from the engine seed pretext sets every step, not from the batch's random stream. */
    @Override
    protected boolean usesBatchRandomness() {
        return false;
    }
}
