package dev.pretext.objectives.bestrq;

import java.util.SplittableRandom;

/**
 * BEST-RQ's frozen quantiser: a random projection of stacked input frames to {@code dim} values and a random
 * codebook of unit-length codes. Drawn in plain Java from one seed, so the same run seed gives the very same
 * quantiser on any machine and after a resume; it is never trained and never checkpointed.
 *
 *
 * <p>The projection is [inputDim x dim] row-major, Xavier-normal (std sqrt(2 / (inputDim + dim))); the codebook
 * [codes x dim] row-major, standard normal rows scaled to unit length.
 */
final class RandomQuantizer {
    private final int inputDim;
    private final int dim;
    private final int codes;
    private final float[] projection;
    private final float[] codebook;

    private RandomQuantizer(int inputDim, int dim, int codes, float[] projection, float[] codebook) {
        this.inputDim = inputDim;
        this.dim = dim;
        this.codes = codes;
        this.projection = projection;
        this.codebook = codebook;
    }

    int inputDim() {
        return inputDim;
    }

    int dim() {
        return dim;
    }

    int codes() {
        return codes;
    }

    /** The array itself, not a copy: callers only read it. */
    float[] projection() {
        return projection;
    }

    /** The array itself, not a copy: callers only read it. */
    float[] codebook() {
        return codebook;
    }

    static RandomQuantizer draw(long seed, int inputDim, int dim, int codes) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] projection = new float[inputDim * dim];
        double std = Math.sqrt(2.0 / (inputDim + dim));
        for (int i = 0; i < projection.length; i++) {
            projection[i] = (float) (std * gaussian(rng));
        }
        float[] codebook = new float[codes * dim];
        for (int c = 0; c < codes; c++) {
            double norm = 0;
            for (int j = 0; j < dim; j++) {
                double v = gaussian(rng);
                codebook[c * dim + j] = (float) v;
                norm += v * v;
            }
            double scale = 1 / Math.sqrt(Math.max(norm, 1e-24));
            for (int j = 0; j < dim; j++) {
                codebook[c * dim + j] *= (float) scale;
            }
        }
        return new RandomQuantizer(inputDim, dim, codes, projection, codebook);
    }

    /** Box-Muller from the stream's doubles: the same numbers on every JDK, unlike nextGaussian. */
    private static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
