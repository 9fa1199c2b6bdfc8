package dev.pretext.probes.keywords;

import dev.pretext.api.data.PhoneSegment;
import dev.pretext.api.data.Utterance;
import dev.pretext.api.probe.LayerStack;
import dev.pretext.api.probe.ProbeExample;
import dev.pretext.api.probe.ProbeInput;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Utterances like the tts corpus's: single words and sentences, each between a leading and a trailing silence.
 * With {@code planted}, one layer carries a prototype vector per word (sentences get a fresh random vector per
 * utterance) and one for silence, plus noise; every other layer, and every layer without {@code planted}, is noise
 * at its own scale and offset.
 */
final class SyntheticKeywordCorpus {
    static final double FRAME_RATE = 100;
    static final List<String> WORDS = List.of(
            "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go", "one", "two");

    private final int layers;
    private final int dim;
    private final int informativeLayer;
    private final double noise;
    private final boolean planted;
    private final SplittableRandom random;
    private final Map<String, float[]> prototypes = new HashMap<>();

    SyntheticKeywordCorpus(int layers, int dim, int informativeLayer, double noise, boolean planted, long seed) {
        this.layers = layers;
        this.dim = dim;
        this.informativeLayer = informativeLayer;
        this.noise = noise;
        this.planted = planted;
        this.random = new SplittableRandom(seed);
        for (String word : WORDS) {
            prototypes.put(word, vector());
        }
        prototypes.put("sil", vector());
    }

    /** {@code perWord} utterances of every word and {@code sentences} sentences in each part. */
    ProbeInput input(int trainPerWord, int testPerWord, int trainSentences, int testSentences, long probeSeed) {
        return new ProbeInput(part("train", trainPerWord, trainSentences), part("test", testPerWord, testSentences),
                FRAME_RATE, probeSeed);
    }

    private List<ProbeExample> part(String name, int perWord, int sentences) {
        List<ProbeExample> out = new ArrayList<>();
        for (int i = 0; i < perWord; i++) {
            for (String word : WORDS) {
                out.add(utterance(name + "-" + out.size(), word, prototypes.get(word), 25 + random.nextInt(30)));
            }
        }
        for (int i = 0; i < sentences; i++) {
            out.add(utterance(name + "-" + out.size(), "the dog slept", vector(), 80 + random.nextInt(80)));
        }
        return out;
    }

    private ProbeExample utterance(String id, String text, float[] speech, int speechFrames) {
        int lead = 20 + random.nextInt(5);
        int trail = 20 + random.nextInt(5);
        int frames = lead + speechFrames + trail;
        float[][] informative = new float[frames][];
        for (int t = 0; t < frames; t++) {
            informative[t] = t >= lead && t < lead + speechFrames ? speech : prototypes.get("sil");
        }
        float[] data = new float[layers * frames * dim];
        for (int l = 0; l < layers; l++) {
            double scale = Math.pow(10, l - 1);
            double offset = 3 * l;
            for (int t = 0; t < frames; t++) {
                for (int d = 0; d < dim; d++) {
                    double value = planted && l == informativeLayer ? informative[t][d] + noise * gaussian()
                            : gaussian();
                    data[(l * frames + t) * dim + d] = (float) (offset + scale * value);
                }
            }
        }
        // A phone-level alignment is not needed beyond silence: one "speech" phone stands for the word(s).
        List<PhoneSegment> phones = List.of(new PhoneSegment("sil", 0, lead / FRAME_RATE),
                new PhoneSegment("ah", lead / FRAME_RATE, (lead + speechFrames) / FRAME_RATE),
                new PhoneSegment("sil", (lead + speechFrames) / FRAME_RATE, frames / FRAME_RATE));
        Utterance utterance = new Utterance(id, Path.of(id + ".wav"), frames / FRAME_RATE, "speaker", text, phones);
        return new ProbeExample(utterance, new LayerStack(data, layers, frames, dim));
    }

    private float[] vector() {
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
            v[d] = (float) gaussian();
        }
        return v;
    }

    private double gaussian() {
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
