package dev.pretext.testkit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Exposes native-memory lifetime bugs. DJL frees the operand of {@code NDArray.mul(Number)} (also {@code div},
 * {@code pow}, {@code maximum}) right after the op, while autograd may still read it in the backward pass; the
 * result is gradients that are right until the garbage collector runs. Call this between forward and backward:
 * it collects garbage, then reuses freed native memory for NaN, so such a bug shows up as NaN gradients.
 */
public final class NativeMemory {
    private NativeMemory() {
    }

    public static List<ByteBuffer> collectAndReuse() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        List<ByteBuffer> junk = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
            b.putFloat(0, Float.NaN).putFloat(4, Float.NaN);
            junk.add(b);
        }
        return junk;
    }
}
