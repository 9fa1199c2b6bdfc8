package dev.pretext.core.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import dev.pretext.api.PluginKind;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.api.audio.Features;
import dev.pretext.api.audio.Waveform;
import dev.pretext.api.data.Augmentation;
import dev.pretext.api.data.FeatureAugmentation;
import dev.pretext.api.model.FlopCount;
import dev.pretext.api.model.Frontend;
import dev.pretext.api.model.FrontendOutput;
import dev.pretext.api.model.LearnedFrontend;
import dev.pretext.core.plugins.ComposedRun;
import dev.pretext.core.plugins.Composer.Composed;
import dev.pretext.core.plugins.InstalledPlugin;
import dev.pretext.core.recipe.ComponentRef;
import dev.pretext.core.recipe.LocatedYaml;
import dev.pretext.core.recipe.RecipeError;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Version;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a run holds a mixed augmentation list, and what it refuses. */
class ComposedRunTest {
    private static final LocatedYaml YAML = LocatedYaml.read(Path.of("r.yaml"), """
            frontend: waveform-cnn
            augment:
              - {type: specaugment, p: 0.5}
              - gain
              - {type: mask}
              - speed
            """);

    record Gain() implements Augmentation {
        @Override
        public Waveform apply(Waveform input, RandomGenerator rng) {
            return input;
        }
    }

    record Mask() implements FeatureAugmentation {
        @Override
        public Features apply(Features input, RandomGenerator rng) {
            return input;
        }
    }

    /** The loader cuts 320-sample frames; a linear layer in the graph makes the features. */
    static final class Framer implements LearnedFrontend {
        private final Linear linear = Linear.builder().setUnits(4).build();

        @Override
        public FeatureSpec spec() {
            return new FeatureSpec(320, 50);
        }

        @Override
        public Features extract(Waveform w) {
            int frames = w.length() / 320;
            return new Features(java.util.Arrays.copyOf(w.samples(), frames * 320), frames, 320);
        }

        @Override
        public double flopsPerFrame() {
            return 0;
        }

        @Override
        public Block block() {
            return linear;
        }

        @Override
        public void initialize(NDManager manager) {
            linear.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 320));
        }

        @Override
        public FeatureSpec outputSpec() {
            return new FeatureSpec(4, 50);
        }

        @Override
        public FrontendOutput forward(ParameterStore parameters, NDArray features, NDArray valid, boolean training) {
            return new FrontendOutput(linear.forward(parameters, new ai.djl.ndarray.NDList(features), training)
                    .singletonOrThrow(), valid);
        }

        @Override
        public FlopCount flops(int batch, int frames) {
            return new FlopCount(Map.of("frontend.linear", 2.0 * batch * frames * 320 * 4));
        }

        @Override
        public int outputFrames(int frames) {
            return frames;
        }
    }

    static final class Plain implements Frontend {
        @Override
        public FeatureSpec spec() {
            return new FeatureSpec(1, 100);
        }

        @Override
        public Features extract(Waveform w) {
            return new Features(new float[0], 0, 1);
        }

        @Override
        public double flopsPerFrame() {
            return 0;
        }
    }

    private static <T> Composed<T> composed(T instance, PluginKind kind, String type, String path, Object config) {
        ComponentRef ref = path.equals("frontend")
                ? ComponentRef.parse(YAML, kind, path, YAML.root().get("frontend"))
                : ComponentRef.parse(YAML, kind, path, YAML.root().get("augment").get(index(path)));
        return new Composed<>(instance, config, new InstalledPlugin(kind, type, new Version(1, 0, 0), "b." + type,
                "file:/" + type + ".jar", null), ref);
    }

    private static int index(String path) {
        return Integer.parseInt(path.substring(path.indexOf('[') + 1, path.indexOf(']')));
    }

    private static List<Composed<Object>> mixed() {
        return List.of(
                composed(new Mask(), PluginKind.AUGMENTATION, "specaugment", "augment[0]", null),
                composed(new Gain(), PluginKind.AUGMENTATION, "gain", "augment[1]", null),
                composed(new Mask(), PluginKind.AUGMENTATION, "mask", "augment[2]", null),
                composed(new Gain(), PluginKind.AUGMENTATION, "speed", "augment[3]", null));
    }

    @Test
    void aMixedListIsAppliedWaveformFirstEachKindInRecipeOrder() {
        List<Composed<Object>> augment = mixed();
        ComposedRun run = new ComposedRun(null, null, null, null, null, augment, null, null, null, null, null);
        assertEquals(List.of("gain", "speed", "specaugment", "mask"),
                run.augmentationsInOrder().stream().map(a -> a.plugin().type()).toList());
        assertEquals(List.of(augment.get(1).instance(), augment.get(3).instance()), run.waveformAugmentations());
        assertEquals(List.of(augment.get(0).instance(), augment.get(2).instance()), run.featureAugmentations());
        Composed<Frontend> plain = composed(new Plain(), PluginKind.FRONTEND, "fbank", "frontend", null);
        ComposedRun.checkAugmentations(YAML, augment, plain);
    }

    @Test
    void aFeatureAugmentationWithALearnedFrontendIsARecipeErrorAtItsKey() {
        Composed<Frontend> learned = composed(new Framer(), PluginKind.FRONTEND, "waveform-cnn", "frontend", null);
        RecipeError e = assertThrows(RecipeError.class, () -> ComposedRun.checkAugmentations(YAML, mixed(), learned));
        assertEquals("augment[0]", e.key());
        assertEquals(3, e.line());
        assertEquals("r.yaml:3: augment[0]: specaugment augments features, but frontend waveform-cnn learns its "
                + "features inside the network, where no augmentation reaches\n  remove augment[0], or use a frontend "
                + "that computes features on the loader, such as fbank", e.getMessage());
        // Waveform augmentations are fine with it.
        ComposedRun.checkAugmentations(YAML, List.of(mixed().get(1), mixed().get(3)), learned);
    }

    public record BandsConfig(Integer bins) {
    }

    @Test
    void theFrontendIdentityHoldsTypeBundleVersionAndConfig() {
        Composed<Frontend> a = composed(new Plain(), PluginKind.FRONTEND, "fbank", "frontend", new BandsConfig(80));
        Composed<Frontend> b = composed(new Plain(), PluginKind.FRONTEND, "fbank", "frontend", new BandsConfig(40));
        String identity = new ComposedRun(null, null, null, null, null, List.of(), a, null, null, null, null)
                .frontendIdentity();
        assertEquals("type=fbank\nbundle=b.fbank\nversion=1.0.0\nconfig={\"bins\":80}", identity);
        assertNotEquals(identity, new ComposedRun(null, null, null, null, null, List.of(), b, null, null, null, null)
                .frontendIdentity());
    }

    @Test
    void onlyTheCacheSwitchMayChangeOnResume() {
        String recorded = "name: r\ndata:\n  train:\n    type: tts\n  feature_cache: false\nseed: 1\n";
        assertTrue(TrainingRun.sameExceptCache(recorded, recorded.replace("feature_cache: false", "feature_cache: true")));
        assertTrue(TrainingRun.sameExceptCache(recorded.replace("  feature_cache: false\n", ""), recorded),
                "a run recorded before the key existed");
        assertFalse(TrainingRun.sameExceptCache(recorded, recorded.replace("seed: 1", "seed: 2")));
        assertFalse(TrainingRun.sameExceptCache(recorded, recorded.replace("feature_cache: false", "feature_cache: true")
                .replace("tts", "wavdir")));
        assertFalse(TrainingRun.sameExceptCache(recorded, "not: [valid"));
    }

    @Test
    void aChangeOfTheProbesAloneLeavesTheTrainedEncoderAsItWas() {
        String recorded = "name: r\nseed: 7\ndata:\n  feature_cache: false\nprobes:\n  tasks:\n  - type: speakers\n";
        assertTrue(TrainingRun.sameExceptProbes(recorded, recorded.replace("speakers", "phone-frames")));
        assertTrue(TrainingRun.sameExceptProbes(recorded, recorded.replace("probes:\n  tasks:\n  - type: speakers\n",
                "")), "probing dropped");
        assertTrue(TrainingRun.sameExceptProbes(recorded, recorded.replace("false", "true")));
        assertFalse(TrainingRun.sameExceptProbes(recorded, recorded.replace("seed: 7", "seed: 8")));
        assertFalse(TrainingRun.sameExceptProbes(recorded, recorded.replace("speakers", "phone-frames")
                .replace("name: r", "name: s")));
        assertFalse(TrainingRun.sameExceptProbes(recorded, "not: [valid"));
    }

    @Test
    void aRunRecordedBeforeProbeSeedsProbedUnderItsRunSeed() {
        String recorded = "name: r\nseed: 7\nprobes:\n  test_share: 0.25\n";
        assertTrue(TrainingRun.sameExceptCache(recorded, recorded + "  seeds:\n  - 7\n"));
        assertFalse(TrainingRun.sameExceptCache(recorded, recorded + "  seeds:\n  - 1\n  - 2\n  - 3\n"));
        assertFalse(TrainingRun.sameExceptCache(recorded + "  seeds:\n  - 7\n", recorded + "  seeds:\n  - 8\n"));
    }
}
