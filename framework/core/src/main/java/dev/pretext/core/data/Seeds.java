package dev.pretext.core.data;

/** Derives independent, reproducible seeds from a run seed and stable keys (SplitMix64 finaliser). */
public final class Seeds {
    private Seeds() {
    }

    public static long mix(long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (long p : parts) {
            h = finalise(h ^ finalise(p + 0x632BE59BD9B4E019L));
        }
        return h;
    }

    /** For string keys such as utterance ids; {@link String#hashCode()} is fixed by the language spec. */
    public static long mix(long seed, long epoch, String key) {
        return mix(seed, epoch, key.hashCode(), key.length());
    }

    private static long finalise(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
