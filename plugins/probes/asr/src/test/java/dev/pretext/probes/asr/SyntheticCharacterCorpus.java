package dev.pretext.probes.asr;

import dev.pretext.api.data.Utterance;
import dev.pretext.api.probe.LayerStack;
import dev.pretext.api.probe.ProbeExample;
import dev.pretext.api.probe.ProbeInput;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Sentences of a small vocabulary whose representation spells them: with {@code planted}, one layer holds, for 3 to
 * 5 frames per character (2 to 3 for a word boundary), that character's prototype vector plus noise, between a
 * leading and a trailing silence with a prototype of its own. Every other layer, and every layer without
 * {@code planted}, is noise at its own scale and offset. No word has a doubled letter, which frame-wise prototypes
 * could not tell from a single one.
 */
final class SyntheticCharacterCorpus {
    static final double FRAME_RATE = 100;
    static final String[] WORDS = {"the", "dog", "cat", "saw", "a", "big", "red", "fox", "under", "bridge", "farmer",
        "quietly", "jumped", "river", "kitchen", "zebra", "won't", "yes", "move", "wash"};

    private final int layers;
    private final int dim;
    private final int informativeLayer;
    private final double noise;
    private final boolean planted;
    private final SplittableRandom random;
    private final float[][] prototypes = new float[Characters.CLASSES][];

    SyntheticCharacterCorpus(int layers, int dim, int informativeLayer, double noise, boolean planted, long seed) {
        this.layers = layers;
        this.dim = dim;
        this.informativeLayer = informativeLayer;
        this.noise = noise;
        this.planted = planted;
        this.random = new SplittableRandom(seed);
        for (int c = 0; c < prototypes.length; c++) {
            prototypes[c] = new float[dim];
            for (int d = 0; d < dim; d++) {
                prototypes[c][d] = (float) gaussian();
            }
        }
    }

    ProbeInput input(int train, int test, int wordsPerSentence, long probeSeed) {
        return new ProbeInput(part("train", train, wordsPerSentence), part("test", test, wordsPerSentence), FRAME_RATE,
                probeSeed);
    }

    private List<ProbeExample> part(String name, int count, int wordsPerSentence) {
        List<ProbeExample> out = new ArrayList<>();
        for (int u = 0; u < count; u++) {
            List<String> words = new ArrayList<>();
            for (int w = 0; w < wordsPerSentence; w++) {
                words.add(WORDS[random.nextInt(WORDS.length)]);
            }
            // Capitals and punctuation as a transcript may carry them; the probe normalises them away.
            String text = String.join(" ", words);
            text = Character.toUpperCase(text.charAt(0)) + text.substring(1) + ".";
            int[] characters = Characters.encode(Characters.normalise(text).text());
            List<Integer> frameClass = new ArrayList<>();
            for (int t = 0, n = 15 + random.nextInt(10); t < n; t++) {
                frameClass.add(Characters.BLANK);
            }
            for (int c : characters) {
                int n = c == Characters.SPACE ? 2 + random.nextInt(2) : 3 + random.nextInt(3);
                for (int t = 0; t < n; t++) {
                    frameClass.add(c);
                }
            }
            for (int t = 0, n = 15 + random.nextInt(10); t < n; t++) {
                frameClass.add(Characters.BLANK);
            }
            String id = name + "-" + u;
            out.add(new ProbeExample(new Utterance(id, Path.of(id + ".wav"), frameClass.size() / FRAME_RATE, "speaker",
                    text, List.of()), representation(frameClass)));
        }
        return out;
    }

    private LayerStack representation(List<Integer> frameClass) {
        int frames = frameClass.size();
        float[] data = new float[layers * frames * dim];
        for (int l = 0; l < layers; l++) {
            double scale = Math.pow(10, l - 1);
            double offset = 4 * l;
            for (int t = 0; t < frames; t++) {
                for (int d = 0; d < dim; d++) {
                    double value = planted && l == informativeLayer
                            ? prototypes[frameClass.get(t)][d] + noise * gaussian() : gaussian();
                    data[(l * frames + t) * dim + d] = (float) (offset + scale * value);
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
