package dev.pretext.datasets.tts;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Derives the corpus's speakers from the seed. */
final class Speakers {
    /** Mean pitches are whole Hz spread over [80, 200]: beyond 120 speakers two would share a pitch. */
    static final int MAX = 100;
    static final double LOWEST_PITCH = 80;
    static final double HIGHEST_PITCH = 200;

    private Speakers() {
    }

    /**
     * {@code count} speakers whose mean pitches are evenly spread over [80, 200] Hz (so a speaker-id probe has
     * a real cue and every label is distinct), with seeded pitch ranges and speaking rates, in a seeded order.
     */
    static List<SpeakerVoice> forSeed(long seed, int count) {
        SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, 0x5bea6e75L));
        List<SpeakerVoice> voices = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int pitch = (int) Math.round(LOWEST_PITCH + (HIGHEST_PITCH - LOWEST_PITCH) * (i + 0.5) / count);
            // Pitch range proportional to pitch (6-20 %) keeps the intonation natural at both ends.
            int range = (int) Math.round(pitch * (0.06 + 0.14 * rng.nextDouble()));
            double stretch = Math.round((0.85 + 0.35 * rng.nextDouble()) * 100) / 100.0;
            voices.add(new SpeakerVoice(pitch, range, stretch));
        }
        for (int i = count - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            voices.set(i, voices.set(j, voices.get(i)));
        }
        return List.copyOf(voices);
    }
}
