package dev.pretext.testkit;

import dev.pretext.api.data.PhoneSegment;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.probe.LayerStack;
import dev.pretext.api.probe.ProbeExample;
import dev.pretext.api.probe.ProbeInput;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Utterances whose representation carries the phones in exactly one layer: every phone has a random prototype
 * vector, and frame t of the informative layer is the prototype of its phone plus Gaussian noise; every other
 * layer is pure noise. Layers get very different scales and offsets, as real upstreams do. Every utterance starts
 * and ends with silence ({@code sil}, the common phone set's) and has two frames past its alignment's end.
 */
public final class SyntheticPhoneCorpus {
    public static final double FRAME_RATE = 100;
    public static final String SILENCE = "sil";

    private final int layers;
    private final int dim;
    private final int informativeLayer;
    private final double noise;
    private final float[][] prototypes;
    private final SplittableRandom random;

    public SyntheticPhoneCorpus(int phones, int layers, int dim, int informativeLayer, double noise, long seed) {
        this.layers = layers;
        this.dim = dim;
        this.informativeLayer = informativeLayer;
        this.noise = noise;
        this.random = new SplittableRandom(seed);
        this.prototypes = new float[phones + 1][dim];
        for (float[] prototype : prototypes) {
            for (int d = 0; d < dim; d++) {
                prototype[d] = (float) gaussian();
            }
        }
    }

    /** Phone 0 is silence; the others are p1, p2, ... */
    public static String name(int phone) {
        return phone == 0 ? SILENCE : "p" + phone;
    }

    /**
     * @param shuffledLabels when true, each utterance carries the alignment of another utterance, so that
     *                       features and labels are unrelated
     */
    public ProbeInput input(int trainUtterances, int testUtterances, int phonesPerUtterance, boolean shuffledLabels,
                     long probeSeed) {
        List<ProbeExample> train = examples("train", trainUtterances, phonesPerUtterance, shuffledLabels);
        List<ProbeExample> test = examples("test", testUtterances, phonesPerUtterance, shuffledLabels);
        return new ProbeInput(train, test, FRAME_RATE, probeSeed);
    }

    private List<ProbeExample> examples(String part, int count, int phonesPerUtterance, boolean shuffledLabels) {
        List<int[]> frameLabels = new ArrayList<>();
        List<List<PhoneSegment>> alignments = new ArrayList<>();
        for (int u = 0; u < count; u++) {
            List<PhoneSegment> alignment = new ArrayList<>();
            List<Integer> frames = new ArrayList<>();
            int previous = 0;
            for (int p = 0; p < phonesPerUtterance + 2; p++) {
                boolean edge = p == 0 || p == phonesPerUtterance + 1;
                int phone = previous;
                while (!edge && phone == previous) {
                    phone = 1 + random.nextInt(prototypes.length - 1);
                }
                if (edge) {
                    phone = 0;
                }
                int length = 3 + random.nextInt(8);
                double start = frames.size() / FRAME_RATE;
                for (int i = 0; i < length; i++) {
                    frames.add(phone);
                }
                alignment.add(new PhoneSegment(name(phone), start, frames.size() / FRAME_RATE));
                previous = phone;
            }
            // Two frames past the alignment's end, which the probe must ignore.
            frames.add(-1);
            frames.add(-1);
            frameLabels.add(frames.stream().mapToInt(Integer::intValue).toArray());
            alignments.add(alignment);
        }
        List<ProbeExample> out = new ArrayList<>();
        for (int u = 0; u < count; u++) {
            List<PhoneSegment> labels = alignments.get(shuffledLabels ? (u + 1) % count : u);
            Utterance utterance = new Utterance(part + "-" + u, Path.of(part + "-" + u + ".wav"),
                    frameLabels.get(u).length / FRAME_RATE, "speaker", null, labels);
            out.add(new ProbeExample(utterance, representation(frameLabels.get(u))));
        }
        return out;
    }

    private LayerStack representation(int[] phones) {
        int frames = phones.length;
        float[] data = new float[layers * frames * dim];
        for (int l = 0; l < layers; l++) {
            double scale = Math.pow(10, l - 1);
            double offset = 5 * l;
            for (int t = 0; t < frames; t++) {
                int at = (l * frames + t) * dim;
                for (int d = 0; d < dim; d++) {
                    double value = l == informativeLayer && phones[t] >= 0
                            ? prototypes[phones[t]][d] + noise * gaussian()
                            : gaussian();
                    data[at + d] = (float) (offset + scale * value);
                }
            }
        }
        return new LayerStack(data, layers, frames, dim);
    }

    private double gaussian() {
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
