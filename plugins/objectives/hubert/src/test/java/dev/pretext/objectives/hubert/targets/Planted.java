package dev.pretext.objectives.hubert.targets;

import dev.pretext.api.audio.Features;
import dev.pretext.api.data.PhoneSegment;
import dev.pretext.api.data.Utterance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Frames drawn around planted centres: utterance i is a run of segments of 5..30 frames, each segment's frames
 * scattered (sigma {@link #SIGMA}) around one of k centres that lie far apart. The segment's centre index is the
 * utterance's "phone" ({@code p<j>}), so labels that recover the centres have PNMI 1.
 */
final class Planted implements FrameSource {
    static final double SIGMA = 0.3;
    static final double RATE = 100;

    final int k;
    final int dim;
    final float[] centres;
    private final long seed;

    Planted(int k, int dim, long seed) {
        this.k = k;
        this.dim = dim;
        this.seed = seed;
        SplittableRandom rng = new SplittableRandom(seed);
        centres = new float[k * dim];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = (float) (20 * rng.nextDouble() - 10);
        }
    }

    List<Utterance> utterances(int count) {
        List<Utterance> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<PhoneSegment> phones = new ArrayList<>();
            int[] plan = plan(i);
            int t = 0;
            while (t < plan.length) {
                int s = t;
                while (t < plan.length && plan[t] == plan[s]) {
                    t++;
                }
                phones.add(new PhoneSegment("p" + plan[s], s / RATE, t / RATE));
            }
            out.add(new Utterance("u" + i, Path.of("u" + i), plan.length / RATE, null, null, phones));
        }
        return out;
    }

    /** Centre of every frame of utterance i. */
    int[] plan(int utterance) {
        SplittableRandom rng = new SplittableRandom(seed * 31 + utterance);
        int frames = 100 + rng.nextInt(200);
        int[] plan = new int[frames];
        int t = 0;
        int previous = -1;
        while (t < frames) {
            int length = 5 + rng.nextInt(26);
            int c;
            do {
                c = rng.nextInt(k);
            } while (c == previous);
            previous = c;
            for (int j = 0; j < length && t < frames; j++) {
                plan[t++] = c;
            }
        }
        return plan;
    }

    @Override
    public Features frames(Utterance utterance) {
        int i = Integer.parseInt(utterance.id().substring(1));
        int[] plan = plan(i);
        SplittableRandom rng = new SplittableRandom(seed * 131 + i);
        float[] data = new float[plan.length * dim];
        for (int t = 0; t < plan.length; t++) {
            for (int d = 0; d < dim; d++) {
                data[t * dim + d] = (float) (centres[plan[t] * dim + d] + SIGMA * gaussian(rng));
            }
        }
        return new Features(data, plan.length, dim);
    }

    private static double gaussian(SplittableRandom rng) {
        return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public double frameRateHz() {
        return RATE;
    }

    @Override
    public String kind() {
        return "planted";
    }
}
