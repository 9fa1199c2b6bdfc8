package dev.pretext.api;

import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Augmentation;
import dev.pretext.api.data.FeatureAugmentation;
import dev.pretext.api.model.Frontend;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PluginKindTest {
    interface Waves extends Augmentation {
    }

    abstract static class Masks implements FeatureAugmentation {
    }

    abstract static class Both implements Augmentation, FeatureAugmentation {
        @Override
        public Waveform apply(Waveform input, RandomGenerator rng) {
            return input;
        }

        @Override
        public Features apply(Features input, RandomGenerator rng) {
            return input;
        }
    }

    @Test
    void augmentationsAreWaveformOrFeatureButNotBoth() {
        assertEquals(List.of(Augmentation.class, FeatureAugmentation.class), PluginKind.AUGMENTATION.contracts());
        assertEquals(Augmentation.class, PluginKind.AUGMENTATION.contract());
        assertTrue(PluginKind.AUGMENTATION.accepts(Waves.class));
        assertTrue(PluginKind.AUGMENTATION.accepts(Masks.class));
        assertFalse(PluginKind.AUGMENTATION.accepts(Both.class));
        assertFalse(PluginKind.AUGMENTATION.accepts(String.class));
    }

    @Test
    void otherKindsHaveOneContract() {
        for (PluginKind kind : PluginKind.values()) {
            if (kind != PluginKind.AUGMENTATION) {
                assertEquals(List.of(kind.contract()), kind.contracts(), kind.id());
            }
        }
        assertTrue(PluginKind.FRONTEND.accepts(Frontend.class));
        assertFalse(PluginKind.FRONTEND.accepts(Masks.class));
    }
}
