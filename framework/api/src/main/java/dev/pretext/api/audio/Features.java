package dev.pretext.api.audio;

/**
 * A frames x dim matrix of features, row-major: frame {@code t}, bin {@code d} is {@code data[t * dim + d]}.
 */
public record Features(float[] data, int frames, int dim) {
    public Features {
        if (frames < 0 || dim <= 0 || data.length != frames * dim) {
            throw new IllegalArgumentException(
                    "features of " + frames + " x " + dim + " need " + (frames * dim) + " values, got " + data.length);
        }
    }

    public float get(int frame, int bin) {
        return data[frame * dim + bin];
    }
}
