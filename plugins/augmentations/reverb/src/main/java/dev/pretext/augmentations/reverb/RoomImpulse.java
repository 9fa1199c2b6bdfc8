package dev.pretext.augmentations.reverb;

import java.util.random.RandomGenerator;

/**
 * A synthetic room impulse response in the stochastic model of late reverberation (Schroeder; Polack 1988):
 * Gaussian noise under an exponential envelope that falls 60 dB in RT60, after a direct path at sample 0 and an
 * initial gap of 2-10 ms, with eight sparse early reflections (specular echoes) in the first 50 ms on the same
 * envelope. The reverberant part is scaled to the drawn direct-to-reverberant ratio. The response is cut where it
 * is 60 dB down (at RT60): what follows would change the output by less than a part in a million of its energy.
 * The direct path sits at sample 0, so reverberated audio is not delayed and time alignments stay valid.
 *
 * @param taps  the impulse response, direct path first, with {@code taps[0] = 1}
 * @param rt60  the drawn reverberation time in seconds
 * @param drrDb the drawn direct-to-reverberant energy ratio in decibels
 */
record RoomImpulse(double[] taps, double rt60, double drrDb) {
    static final int EARLY_REFLECTIONS = 8;
    static final double EARLY_SECONDS = 0.050;
    static final double MIN_GAP_SECONDS = 0.002;
    static final double MAX_GAP_SECONDS = 0.010;

    /** Draws, in order: the gap, the reflections (time, size, sign each), then the tail's noise. */
    static RoomImpulse generate(double rt60, double drrDb, int sampleRate, RandomGenerator rng) {
        int length = Math.max(2, (int) Math.ceil(rt60 * sampleRate));
        // Amplitude falls by e^-decay per sample, so energy falls by 60 dB (a factor 10^6) over rt60.
        double decay = 3 * Math.log(10) / (rt60 * sampleRate);
        double[] h = new double[length];
        int gap = (int) Math.round(sampleRate * (MIN_GAP_SECONDS + (MAX_GAP_SECONDS - MIN_GAP_SECONDS) * rng.nextDouble()));
        gap = Math.min(Math.max(1, gap), length - 1);
        int earlyEnd = Math.max(gap + 1, Math.min(length, gap + (int) Math.round(EARLY_SECONDS * sampleRate)));
        double[] early = new double[EARLY_REFLECTIONS * 2];
        for (int r = 0; r < EARLY_REFLECTIONS; r++) {
            int at = gap + rng.nextInt(earlyEnd - gap);
            // A specular echo stands a few times above the diffuse tail around it.
            double size = (2 + 3 * rng.nextDouble()) * (rng.nextBoolean() ? 1 : -1);
            early[2 * r] = at;
            early[2 * r + 1] = size;
        }
        for (int i = gap; i < length; i++) {
            h[i] = rng.nextGaussian() * Math.exp(-decay * i);
        }
        for (int r = 0; r < EARLY_REFLECTIONS; r++) {
            int at = (int) early[2 * r];
            h[at] += early[2 * r + 1] * Math.exp(-decay * at);
        }
        double reverberant = 0;
        for (int i = 1; i < length; i++) {
            reverberant += h[i] * h[i];
        }
        double scale = reverberant > 0 ? Math.sqrt(1.0 / (reverberant * Math.pow(10, drrDb / 10))) : 0;
        for (int i = 1; i < length; i++) {
            h[i] *= scale;
        }
        h[0] = 1.0;
        return new RoomImpulse(h, rt60, drrDb);
    }
}
