package dev.pretext.datasets.audio;

/** FLAC's checksums (RFC 9639): CRC-8 of a frame header and CRC-16 of a whole frame, MSB-first, initial value 0. */
final class Crc {
    private static final int[] CRC8 = table(0x07, 8);
    private static final int[] CRC16 = table(0x8005, 16);

    private Crc() {
    }

    /** Polynomial x^8 + x^2 + x + 1 over {@code b[from..to)}. */
    static int crc8(byte[] b, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc = CRC8[(crc ^ b[i]) & 0xff];
        }
        return crc;
    }

    /** Polynomial x^16 + x^15 + x^2 + 1 over {@code b[from..to)}. */
    static int crc16(byte[] b, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc = ((crc << 8) ^ CRC16[((crc >>> 8) ^ b[i]) & 0xff]) & 0xffff;
        }
        return crc;
    }

    /** The remainder of each byte value shifted into a {@code width}-bit register. */
    private static int[] table(int polynomial, int width) {
        int top = 1 << (width - 1);
        int mask = (1 << width) - 1;
        int[] t = new int[256];
        for (int v = 0; v < 256; v++) {
            int r = v << (width - 8);
            for (int i = 0; i < 8; i++) {
                r = (r & top) != 0 ? (r << 1) ^ polynomial : r << 1;
            }
            t[v] = r & mask;
        }
        return t;
    }
}
