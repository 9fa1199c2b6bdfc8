package dev.pretext.core.probe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.pretext.api.audio.Features;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.model.EncoderOutput;
import dev.pretext.api.probe.LayerStack;
import dev.pretext.core.data.FeaturePipeline;
import dev.pretext.core.model.UpstreamModel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Frozen representations of utterances, extracted once per upstream and shared by every probe. */
public final class Representations {
    private Representations() {
    }

    /** The frontend's features as a one-layer stack: the {@code features} baseline. */
    public static Map<Utterance, LayerStack> features(List<Utterance> utterances, Map<Utterance, Features> features) {
        Map<Utterance, LayerStack> out = new LinkedHashMap<>();
        for (Utterance u : utterances) {
            Features f = features.get(u);
            out.put(u, new LayerStack(f.data(), 1, f.frames(), f.dim()));
        }
        return out;
    }

    /** Every hidden state of a (frozen) encoder, one utterance at a time so that no padding is involved. */
    public static Map<Utterance, LayerStack> encoder(UpstreamModel model, List<Utterance> utterances,
                                                     Map<Utterance, Features> features, NDManager manager) {
        Map<Utterance, LayerStack> out = new LinkedHashMap<>();
        ParameterStore store = new ParameterStore(manager, false);
        for (Utterance u : utterances) {
            Features f = features.get(u);
            try (NDManager sm = manager.newSubManager()) {
                NDArray x = sm.create(f.data(), new Shape(1, f.frames(), f.dim()));
                float[] ones = new float[f.frames()];
                java.util.Arrays.fill(ones, 1f);
                NDArray valid = sm.create(ones, new Shape(1, f.frames()));
                EncoderOutput output = model.forward(store, x, valid, false).output();
                List<NDArray> hidden = output.hiddenStates();
                int layers = hidden.size();
                // A learned frontend may change the frame count (e.g. samples to 20 ms frames).
                int frames = (int) hidden.get(0).getShape().get(1);
                int dim = (int) hidden.get(0).getShape().get(2);
                float[] data = new float[layers * frames * dim];
                for (int l = 0; l < layers; l++) {
                    float[] h = hidden.get(l).toFloatArray();
                    System.arraycopy(h, 0, data, l * frames * dim, h.length);
                }
                out.put(u, new LayerStack(data, layers, frames, dim));
            }
        }
        return out;
    }

    /** Clean (unaugmented, uncropped) features for every utterance. */
    public static Map<Utterance, Features> extract(FeaturePipeline pipeline, List<Utterance> utterances) {
        Map<Utterance, Features> out = new LinkedHashMap<>();
        utterances.parallelStream().map(u -> Map.entry(u, pipeline.clean(u))).toList()
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
