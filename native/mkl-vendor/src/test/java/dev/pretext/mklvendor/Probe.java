package dev.pretext.mklvendor;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.sun.jna.NativeLibrary;
import dev.pretext.api.audio.FeatureSpec;
import dev.pretext.architectures.transformer.TransformerConfig;
import dev.pretext.architectures.transformer.TransformerEncoder;
import dev.pretext.core.train.AdamW;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Run in a child JVM (the preload is decided when a process starts): matrix products and three training steps of
 * the real Transformer with AdamW, fixed inputs and seed, written to a file for the test to compare across paths.
 */
public final class Probe {
    /** What mkl_serv_intel_cpu_true answers in this process, or -1 if no global definition is visible. */
    static final String ANSWER = "answer";

    private Probe() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            out.put("matmul 257x384 @ 384x191", product(m, new Shape(257, 384), new Shape(384, 191), 1));
            out.put("matmul 8x64x96 @ 8x96x80", product(m, new Shape(8, 64, 96), new Shape(8, 96, 80), 2));
            out.put("matmul 512x512 @ 512x512", product(m, new Shape(512, 512), new Shape(512, 512), 3));
            train(m, out);
        }
        out.put(ANSWER, new float[]{answer()});
        try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(Path.of(args[0])))) {
            o.writeInt(out.size());
            for (Map.Entry<String, float[]> e : out.entrySet()) {
                o.writeUTF(e.getKey());
                o.writeInt(e.getValue().length);
                for (float v : e.getValue()) {
                    o.writeFloat(v);
                }
            }
        }
    }

    static Map<String, float[]> read(Path file) throws IOException {
        Map<String, float[]> in = new LinkedHashMap<>();
        try (DataInputStream i = new DataInputStream(Files.newInputStream(file))) {
            int n = i.readInt();
            for (int k = 0; k < n; k++) {
                String name = i.readUTF();
                float[] v = new float[i.readInt()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = i.readFloat();
                }
                in.put(name, v);
            }
        }
        return in;
    }

    /** The process-wide definition (the preloaded one comes first; libtorch's own is loaded locally). */
    private static int answer() {
        try {
            return NativeLibrary.getProcess().getFunction("mkl_serv_intel_cpu_true").invokeInt(new Object[0]);
        } catch (UnsatisfiedLinkError e) {
            return -1;
        }
    }

    private static float[] gaussian(int count, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[count];
        for (int i = 0; i < count; i++) {
            x[i] = (float) (Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble()));
        }
        return x;
    }

    private static float[] product(NDManager m, Shape a, Shape b, long seed) {
        NDArray x = m.create(gaussian((int) a.size(), seed), a);
        NDArray y = m.create(gaussian((int) b.size(), seed + 100), b);
        return x.matMul(y).toFloatArray();
    }

    private static void train(NDManager m, Map<String, float[]> out) {
        int batch = 4;
        int frames = 60;
        FeatureSpec spec = new FeatureSpec(20, 100);
        Engine.getInstance().setRandomSeed(7);
        TransformerEncoder encoder = new TransformerEncoder(TransformerConfig.shape(2, 64, 4, 128), spec);
        encoder.initialize(m, spec);
        List<Parameter> params = new ArrayList<>(encoder.block().getParameters().values());
        AdamW optimizer = new AdamW(params, m, 0.9, 0.98, 1e-6, 0.01);
        ParameterStore store = new ParameterStore(m, false);
        NDArray features = m.create(gaussian(batch * frames * 20, 11), new Shape(batch, frames, 20));
        float[] mask = new float[batch * frames];
        int[] lengths = {60, 52, 44, 36};
        for (int b = 0; b < batch; b++) {
            java.util.Arrays.fill(mask, b * frames, b * frames + lengths[b], 1f);
        }
        NDArray valid = m.create(mask, new Shape(batch, frames));
        NDArray target = m.create(gaussian(batch * frames * 64, 12), new Shape(batch, frames, 64));
        float[] losses = new float[3];
        for (int step = 0; step < losses.length; step++) {
            try (NDManager sm = m.newSubManager()) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray diff = encoder.forward(store, features, valid, true).last().sub(target);
                    NDArray loss = diff.square().mean();
                    gc.backward(loss);
                    losses[step] = loss.getFloat();
                }
                optimizer.update(1e-3, 1.0);
            }
        }
        out.put("losses", losses);
        int total = 0;
        List<float[]> weights = new ArrayList<>();
        for (Parameter p : params) {
            float[] w = p.getArray().toFloatArray();
            weights.add(w);
            total += w.length;
        }
        float[] all = new float[total];
        int at = 0;
        for (float[] w : weights) {
            System.arraycopy(w, 0, all, at, w.length);
            at += w.length;
        }
        out.put("parameters after 3 steps", all);
    }
}
