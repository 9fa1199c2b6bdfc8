package dev.pretext.datasets.audio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads big-endian bit fields from a byte array, most significant bit first (FLAC's order). Whole 64-bit words are
 * loaded, so the array must carry {@link #PADDING} zero bytes after {@code end}; reading past {@code end} throws
 * {@link EndOfData} (checked after each field, so a read may touch the padding before it notices).
 */
final class BitReader {
    static final int PADDING = 32;
    private static final VarHandle WORD = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** Shared and stackless: thrown on every truncated file, caught a few frames up. */
    static final EndOfData END = new EndOfData();

    static final class EndOfData extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private EndOfData() {
            super("end of data", null, false, false);
        }
    }

    private final byte[] buf;
    private final long endBit;
    private long bit;

    /** Reads {@code buf[from..end)}; {@code buf} must have {@link #PADDING} more bytes after {@code end}. */
    BitReader(byte[] buf, int from, int end) {
        if (buf.length < end + PADDING) {
            throw new IllegalArgumentException("the buffer needs " + PADDING + " bytes of padding after its end");
        }
        this.buf = buf;
        this.bit = (long) from * 8;
        this.endBit = (long) end * 8;
    }

    /** The next 64 bits from {@code at}, left-aligned; bits beyond the loaded word are zero. */
    private long word(long at) {
        return ((long) WORD.get(buf, (int) (at >>> 3))) << (at & 7);
    }

    /** An unsigned field of {@code n} bits, 0 to 32. */
    int bits(int n) {
        if (n == 0) {
            return 0;
        }
        long w = word(bit);
        bit += n;
        if (bit > endBit) {
            throw END;
        }
        return (int) (w >>> (64 - n));
    }

    /** A two's complement field of {@code n} bits, 0 to 32. */
    int signed(int n) {
        if (n == 0) {
            return 0;
        }
        long w = word(bit);
        bit += n;
        if (bit > endBit) {
            throw END;
        }
        return (int) (w >> (64 - n));
    }

    /** The number of 0 bits before the next 1 bit; consumes both. */
    int unary() {
        long count = 0;
        long w = word(bit);
        while (w == 0) {
            int available = 64 - (int) (bit & 7);
            count += available;
            bit += available;
            if (bit > endBit) {
                throw END;
            }
            w = word(bit);
        }
        int zeros = Long.numberOfLeadingZeros(w);
        bit += zeros + 1;
        if (bit > endBit) {
            throw END;
        }
        count += zeros;
        return count > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) count;
    }

    /**
     * Rice-coded residuals with parameter {@code k} into {@code out[from..to)}: a unary quotient, {@code k} low
     * bits, then the zig-zag folding of signed values onto unsigned ones undone. The hot loop of decoding.
     */
    void rice(int[] out, int from, int to, int k) {
        long at = bit;
        for (int i = from; i < to; i++) {
            long quotient = 0;
            long w = word(at);
            while (w == 0) {
                int available = 64 - (int) (at & 7);
                quotient += available;
                at += available;
                if (at > endBit) {
                    throw END;
                }
                w = word(at);
            }
            int zeros = Long.numberOfLeadingZeros(w);
            quotient += zeros;
            at += zeros + 1;
            long folded = quotient;
            if (k > 0) {
                folded = (quotient << k) | (word(at) >>> (64 - k));
                at += k;
            }
            out[i] = (int) (folded >>> 1) ^ -(int) (folded & 1);
        }
        if (at > endBit) {
            throw END;
        }
        bit = at;
    }

    void alignToByte() {
        bit = (bit + 7) & ~7L;
        if (bit > endBit) {
            throw END;
        }
    }

    /** The byte holding the next bit (exact after {@link #alignToByte}). */
    int bytePosition() {
        return (int) (bit >>> 3);
    }
}
