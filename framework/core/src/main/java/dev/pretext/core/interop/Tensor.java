package dev.pretext.core.interop;

import java.util.Arrays;

/** A named float32 tensor, row-major. */
public record Tensor(String name, long[] shape, float[] data) {
    public Tensor {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        if (count != data.length) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " holds " + count
                    + " values, got " + data.length);
        }
    }

    public Tensor renamed(String newName) {
        return new Tensor(newName, shape, data);
    }

    public String shapeText() {
        return Arrays.toString(shape);
    }

    public boolean hasShape(long... expected) {
        return Arrays.equals(shape, expected);
    }

    /** Rows [from, to) of the first axis. */
    public Tensor rows(String newName, long from, long to) {
        long rowSize = data.length / shape[0];
        long[] s = shape.clone();
        s[0] = to - from;
        return new Tensor(newName, s, Arrays.copyOfRange(data, (int) (from * rowSize), (int) (to * rowSize)));
    }

    /** Tensors stacked along the first axis (same trailing shape). */
    public static Tensor concatRows(String name, Tensor... parts) {
        long rows = 0;
        int total = 0;
        for (Tensor p : parts) {
            rows += p.shape[0];
            total += p.data.length;
        }
        float[] data = new float[total];
        int at = 0;
        for (Tensor p : parts) {
            System.arraycopy(p.data, 0, data, at, p.data.length);
            at += p.data.length;
        }
        long[] s = parts[0].shape.clone();
        s[0] = rows;
        return new Tensor(name, s, data);
    }
}
