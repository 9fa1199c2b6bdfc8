package dev.pretext.probes.speakers;

import dev.pretext.api.data.Utterance;
import dev.pretext.api.probe.LayerStack;
import dev.pretext.api.probe.ProbeExample;
import dev.pretext.api.probe.ProbeInput;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Utterances whose representation carries the speaker in exactly one layer. Every layer holds "content" (a
 * random prototype per run of frames, shared by all speakers) plus noise, which dominates the frame-level
 * variance as phones do in speech; the informative layer adds a fixed per-speaker offset vector, visible only
 * once frames are averaged. Layers get different scales and offsets, as real upstreams do.
 */
final class SyntheticSpeakerCorpus {
    static final double FRAME_RATE = 100;

    private final int layers;
    private final int dim;
    private final int informativeLayer;
    private final float[][] speakerOffsets;
    private final float[][] contents;
    private final SplittableRandom random;

    SyntheticSpeakerCorpus(int speakers, int layers, int dim, int informativeLayer, double offsetScale, long seed) {
        this.layers = layers;
        this.dim = dim;
        this.informativeLayer = informativeLayer;
        this.random = new SplittableRandom(seed);
        this.speakerOffsets = new float[speakers][dim];
        for (float[] offset : speakerOffsets) {
            for (int d = 0; d < dim; d++) {
                offset[d] = (float) (offsetScale * gaussian());
            }
        }
        this.contents = new float[30][dim];
        for (float[] content : contents) {
            for (int d = 0; d < dim; d++) {
                content[d] = (float) gaussian();
            }
        }
    }

    static String name(int speaker) {
        return "spk" + speaker;
    }

    /**
     * @param shuffledLabels when true, speaker labels are permuted across utterances, unrelated to the features
     */
    ProbeInput input(int trainPerSpeaker, int testPerSpeaker, int minFrames, int maxFrames, boolean shuffledLabels,
                     long probeSeed) {
        List<ProbeExample> train = examples("train", trainPerSpeaker, minFrames, maxFrames, shuffledLabels);
        List<ProbeExample> test = examples("test", testPerSpeaker, minFrames, maxFrames, shuffledLabels);
        return new ProbeInput(train, test, FRAME_RATE, probeSeed);
    }

    private List<ProbeExample> examples(String part, int perSpeaker, int minFrames, int maxFrames,
                                        boolean shuffledLabels) {
        int count = perSpeaker * speakerOffsets.length;
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % speakerOffsets.length;
        }
        if (shuffledLabels) {
            for (int i = count - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = labels[i];
                labels[i] = labels[j];
                labels[j] = swap;
            }
        }
        List<ProbeExample> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int speaker = i % speakerOffsets.length;
            int frames = minFrames + random.nextInt(maxFrames - minFrames + 1);
            Utterance utterance = new Utterance(part + "-" + i, Path.of(part + "-" + i + ".wav"),
                    frames / FRAME_RATE, name(labels[i]), null, List.of());
            out.add(new ProbeExample(utterance, representation(speaker, frames)));
        }
        return out;
    }

    private LayerStack representation(int speaker, int frames) {
        int[] content = new int[frames];
        for (int t = 0; t < frames; ) {
            int phone = random.nextInt(contents.length);
            int length = 3 + random.nextInt(8);
            for (int i = 0; i < length && t < frames; i++, t++) {
                content[t] = phone;
            }
        }
        float[] data = new float[layers * frames * dim];
        for (int l = 0; l < layers; l++) {
            double scale = Math.pow(10, l - 1);
            double offset = 5 * l;
            for (int t = 0; t < frames; t++) {
                int at = (l * frames + t) * dim;
                for (int d = 0; d < dim; d++) {
                    double value = contents[content[t]][d] + 0.5 * gaussian()
                            + (l == informativeLayer ? speakerOffsets[speaker][d] : 0);
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
